# Reference outputs of the R package `surveillance` for pingji.epi.aberration's tests.
#
# Run once with `Rscript aberration_reference.R` in this folder (Debian: r-cran-surveillance);
# it writes aberration_reference.csv, which the tests read, so CI needs no R. The series are
# drawn here, seeded, and written beside R's outputs.
suppressMessages(library(surveillance))
set.seed(2021)
days <- 200
t <- seq_len(days)
series <- list(
  spike = rpois(days, 3) + ifelse(t %in% 120:124, 8, 0),
  weekly = rpois(days, 20 * (1 + 0.3 * (t %% 7 %in% c(0, 1)))),
  sparse = rpois(days, 0.3),
  rising = rpois(days, 2 + t / 25)
)
rows <- list()
keep <- function(name, algorithm, observed, range, upperbound, alarm) {
  rows[[length(rows) + 1]] <<- data.frame(
    series = name, algorithm = algorithm, day = range, observed = observed[range],
    upperbound = as.numeric(upperbound), alarm = as.integer(alarm)
  )
}
for (name in names(series)) {
  y <- series[[name]]
  keep(name, "observed", y, t, rep(NA, days), rep(NA, days))
  s <- sts(observed = matrix(y, ncol = 1), start = c(2021, 1), frequency = 365)
  for (spec in list(
    list(label = "C1", method = "C1", minSigma = 0),
    list(label = "C2", method = "C2", minSigma = 0),
    list(label = "C3", method = "C3", minSigma = 0),
    list(label = "C1_sigma0.5", method = "C1", minSigma = 0.5),
    list(label = "C3_sigma0.5", method = "C3", minSigma = 0.5)
  )) {
    out <- earsC(s, control = list(method = spec$method, baseline = 7, minSigma = spec$minSigma))
    range <- seq(days - nrow(out@observed) + 1, days)
    keep(name, spec$label, y, range, upperbound(out), alarms(out))
  }
  range <- 29:days
  out <- algo.cusum(sts2disProg(s), control = list(range = range, trans = "standard"))
  keep(name, "cusum", y, range, out$upperbound, out$alarm)
}
write.csv(do.call(rbind, rows), "aberration_reference.csv", row.names = FALSE, na = "")

# Farrington flexible (Noufaily et al. 2013) on weekly series, time as week numbers (no dates).
set.seed(2013)
weeks <- 52 * 6
w <- seq_len(weeks)
weekly <- list(
  seasonal = rpois(weeks, 8 * exp(0.6 * cos(2 * pi * w / 52))) + ifelse(w %in% 290:293, 15, 0),
  growing = rpois(weeks, exp(1.5 + w / 200)),
  overdispersed = rnbinom(weeks, mu = 12, size = 3),
  rare = rpois(weeks, 0.8) + ifelse(w %in% 280:281, 6, 0),
  silent = ifelse(w %in% 300:302, 3, 0)
)
rows <- list()
for (name in names(weekly)) {
  y <- weekly[[name]]
  keep(name, "observed", y, w, rep(NA, weeks), rep(NA, weeks))
  s <- sts(observed = matrix(y, ncol = 1), start = c(2015, 1), frequency = 52)
  for (spec in list(
    list(label = "farrington", control = list()),
    list(label = "farrington_b3_w2", control = list(b = 3, w = 2)),
    list(label = "farrington_noreweight", control = list(reweight = FALSE, trend = FALSE))
  )) {
    out <- farringtonFlexible(s, control = c(spec$control, list(glmWarnings = FALSE)))
    range <- seq(weeks - nrow(out@observed) + 1, weeks)
    keep(name, spec$label, y, range, upperbound(out), alarms(out))
  }
}
write.csv(do.call(rbind, rows), "farrington_reference.csv", row.names = FALSE, na = "")
