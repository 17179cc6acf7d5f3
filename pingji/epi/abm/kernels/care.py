"""Finding infections and stopping them: diagnosis, tracing into quarantine, the quarantine
regime's days and tests, and pooled mass-testing rounds."""

from __future__ import annotations

import numpy as np

from .common import DEAD, GROUP, HOUSEHOLD, SUS, njit


@njit(cache=True)
def detectable(i, day, st, t_exp, t_inf, t_end, fac):
    """Whether a PCR sample of agent ``i`` on ``day`` holds the virus."""
    if st[i] == SUS or t_exp[i] > day:
        return False
    return day >= t_inf[i] - fac[8] and day < t_end[i] + fac[9]


@njit(cache=True)
def quarantine_phase(i, day, q_start, q_home, q_end):
    """0: free, 1: centralised quarantine, 2: home quarantine."""
    if q_end[i] <= day or q_start[i] > day:
        return 0
    if day < q_home[i]:
        return 1
    return 2


@njit(cache=True)
def _quarantine(j, start, central, home, q_start, q_home, q_end, t_diag, in_q, qlist, n_q):
    """Put ``j`` in quarantine from ``start`` unless diagnosed or already held past it."""
    if t_diag[j] >= 0 or q_end[j] > start:
        return n_q
    q_start[j] = start
    q_home[j] = start + central
    q_end[j] = start + central + home
    if in_q[j] == 0:
        in_q[j] = 1
        qlist[n_q] = j
        n_q += 1
    return n_q


@njit(cache=True)
def diagnose_and_trace(
    day,
    rng,
    pending,
    n_pending,
    t_result,
    t_diag,
    q_start,
    q_home,
    q_end,
    in_q,
    qlist,
    n_q,
    tracing_on,
    trace_p,
    kinds,
    sub,
    hh_start,
    household,
    gid,
    gmem,
    goff,
    gbase,
    sptr,
    sidx,
    sbase,
    trace_delays,
    central,
    home,
):
    """Results due today become diagnoses; each diagnosis quarantines its traced contacts.

    Returns ``(n_pending, n_q, new_diagnoses, traced)``.
    """
    keep = 0
    new_diag = 0
    traced = 0
    for k in range(n_pending):
        i = pending[k]
        if t_result[i] > day:
            pending[keep] = i
            keep += 1
            continue
        t_result[i] = -1
        if t_diag[i] >= 0:
            continue
        t_diag[i] = day
        new_diag += 1
        if not tracing_on:
            continue
        for layer in range(kinds.shape[0]):
            p = trace_p[layer]
            if p <= 0.0:
                continue
            kind = kinds[layer]
            if kind == HOUSEHOLD:
                h = household[i]
                lo = hh_start[h]
                hi = hh_start[h + 1]
                for j in range(lo, hi):
                    if j != i and (p >= 1.0 or rng.random() < p):
                        start = day + trace_delays[rng.integers(0, trace_delays.shape[0])]
                        n_q = _quarantine(
                            j,
                            start,
                            central,
                            home,
                            q_start,
                            q_home,
                            q_end,
                            t_diag,
                            in_q,
                            qlist,
                            n_q,
                        )
                        traced += 1
            elif kind == GROUP:
                s = sub[layer]
                g = gid[s, i]
                if g < 0:
                    continue
                lo = goff[gbase[s] + g]
                hi = goff[gbase[s] + g + 1]
                for m in range(lo, hi):
                    j = gmem[s, m]
                    if j != i and (p >= 1.0 or rng.random() < p):
                        start = day + trace_delays[rng.integers(0, trace_delays.shape[0])]
                        n_q = _quarantine(
                            j,
                            start,
                            central,
                            home,
                            q_start,
                            q_home,
                            q_end,
                            t_diag,
                            in_q,
                            qlist,
                            n_q,
                        )
                        traced += 1
            else:
                s = sub[layer]
                for m in range(sptr[s, i], sptr[s, i + 1]):
                    j = sidx[sbase[s] + m]
                    if j != i and (p >= 1.0 or rng.random() < p):
                        start = day + trace_delays[rng.integers(0, trace_delays.shape[0])]
                        n_q = _quarantine(
                            j,
                            start,
                            central,
                            home,
                            q_start,
                            q_home,
                            q_end,
                            t_diag,
                            in_q,
                            qlist,
                            n_q,
                        )
                        traced += 1
    return keep, n_q, new_diag, traced


@njit(cache=True)
def quarantine_day(
    day,
    rng,
    qlist,
    n_q,
    in_q,
    q_start,
    q_home,
    q_end,
    test_offsets,
    st,
    t_exp,
    t_inf,
    t_end,
    t_diag,
    t_result,
    pending,
    n_pending,
    fac,
    sensitivity,
    turnaround,
):
    """Release ended quarantines, test those on a test day.

    Returns ``(n_q, n_pending, held, tests)``.
    """
    keep = 0
    held = 0
    tests = 0
    for k in range(n_q):
        j = qlist[k]
        if q_end[j] <= day:
            in_q[j] = 0
            continue
        qlist[keep] = j
        keep += 1
        if q_start[j] > day:
            continue
        if t_diag[j] >= 0:
            continue
        held += 1
        off = day - q_start[j]
        if off < test_offsets.shape[0] and test_offsets[off]:
            tests += 1
            if t_result[j] < 0 and detectable(j, day, st, t_exp, t_inf, t_end, fac):
                if rng.random() < sensitivity:
                    t_result[j] = day + turnaround
                    pending[n_pending] = j
                    n_pending += 1
    return keep, n_pending, held, tests


@njit(cache=True)
def mass_test(
    day,
    rng,
    coverage,
    area_on,
    pool,
    sens,
    pool_sens,
    turnaround,
    area,
    st,
    t_exp,
    t_inf,
    t_end,
    t_diag,
    t_result,
    q_start,
    q_home,
    q_end,
    pending,
    n_pending,
    fac,
):
    """One round of (pooled) testing in the areas flagged ``area_on``, in household order.

    Each agent of those areas, alive, not diagnosed and not in centralised quarantine, gives a
    sample with probability ``coverage``. Samples go ``pool`` to a tube; a tube is positive when
    a member's sample is detected (probability ``sens · pool_sens`` for each detectable member;
    ``sens`` alone for single tubes). Every member of a positive tube is retested singly (tubes
    counted) and the detected ones get their result ``turnaround`` days after the round.
    Returns ``(n_pending, people, tubes, positives)``.
    """
    people = 0
    tubes = 0
    positives = 0
    count = 0
    members = np.empty(pool, np.int64)
    hit = False
    n = st.shape[0]
    p_member = sens * pool_sens if pool > 1 else sens
    for i in range(n + 1):
        flush = i == n
        if not flush:
            if not area_on[area[i]] or st[i] == DEAD or t_diag[i] >= 0:
                continue
            if quarantine_phase(i, day, q_start, q_home, q_end) == 1:
                continue
            if coverage < 1.0 and rng.random() >= coverage:
                continue
            people += 1
            members[count] = i
            count += 1
            if detectable(i, day, st, t_exp, t_inf, t_end, fac) and rng.random() < p_member:
                hit = True
            flush = count == pool
        if flush and count > 0:
            tubes += 1
            if hit:
                if pool > 1:
                    tubes += count
                for m in range(count):
                    j = members[m]
                    if not detectable(j, day, st, t_exp, t_inf, t_end, fac):
                        continue
                    if pool > 1 and rng.random() >= sens:
                        continue
                    positives += 1
                    if t_result[j] < 0:
                        t_result[j] = day + turnaround
                        pending[n_pending] = j
                        n_pending += 1
            count = 0
            hit = False
    return n_pending, people, tubes, positives
