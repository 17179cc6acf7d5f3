"""Natural history inside the loop: drawing an infected agent's course, its infectiousness
by day, and moving agents through their stages."""

from __future__ import annotations

import numpy as np

from .common import DEAD, EXP, INF, MAX_STAGE, NEVER, REC, njit


@njit(cache=True)
def _duration(rng, code, p1, p2):
    """Whole days of one stage: fixed, lognormal (mu, sigma) or gamma (shape, scale)."""
    if code == 0.0:
        x = p1
    elif code == 1.0:
        x = rng.lognormal(p1, p2)
    else:
        x = rng.gamma(p1, p2)
    d = int(np.floor(x + 0.5))
    if d < 0:
        return 0
    if d > MAX_STAGE:
        return MAX_STAGE
    return d


@njit(cache=True)
def _course(rng, band, dur, fac, a):
    """Draw one infection's course from day 0: (t_inf, t_sym, t_sev, t_end, severity, rel_inf).

    ``band`` is ``(5, 121)`` (symptomatic, severe, critical, death, susceptibility by year of
    age), ``dur`` is ``(9, 3)`` and ``fac`` the pathogen's factors (see ``Pathogen``).
    """
    ti = _duration(rng, dur[0, 0], dur[0, 1], dur[0, 2])
    ts = NEVER
    tv = NEVER
    if rng.random() < band[0, a]:
        ts = ti + _duration(rng, dur[1, 0], dur[1, 1], dur[1, 2])
        if rng.random() < band[1, a]:
            tv = ts + _duration(rng, dur[4, 0], dur[4, 1], dur[4, 2])
            if rng.random() < band[2, a]:
                tc = tv + _duration(rng, dur[6, 0], dur[6, 1], dur[6, 2])
                if rng.random() < band[3, a]:
                    end = tc + _duration(rng, dur[8, 0], dur[8, 1], dur[8, 2])
                    sev = 4
                else:
                    end = tc + _duration(rng, dur[7, 0], dur[7, 1], dur[7, 2])
                    sev = 3
            else:
                end = tv + _duration(rng, dur[5, 0], dur[5, 1], dur[5, 2])
                sev = 2
        else:
            end = ts + _duration(rng, dur[3, 0], dur[3, 1], dur[3, 2])
            sev = 1
    else:
        end = ti + _duration(rng, dur[2, 0], dur[2, 1], dur[2, 2])
        sev = 0
    rel = 1.0
    if fac[3] > 0.0:
        rel = rng.gamma(fac[3], 1.0 / fac[3])
    return ti, ts, tv, end, sev, rel


@njit(cache=True)
def _vl_switch(ti, end, fac):
    """First day of low viral load: ``ti + ceil(min(frac · duration, cap))``."""
    high = fac[4] * (end - ti)
    if high > fac[7]:
        high = fac[7]
    return ti + int(np.ceil(high))


@njit(cache=True)
def daily_infectiousness(day, ti, ts, end, sev, rel, tvl, fac):
    """Relative infectiousness on ``day`` of a course (0 outside ``[ti, end)``)."""
    if day < ti or day >= end:
        return 0.0
    if ts <= day:
        f = fac[2]
    elif sev == 0:
        f = fac[1]
    else:
        f = fac[0]
    if day < tvl:
        f *= fac[5]
    else:
        f *= fac[6]
    return rel * f


@njit(cache=True)
def course_infectiousness(rng, n, band_col, dur, fac):
    """Summed daily infectiousness of ``n`` courses of an agent with the banded figures given."""
    band = np.empty((5, 1))
    band[:, 0] = band_col
    out = np.empty(n)
    for k in range(n):
        ti, ts, tv, end, sev, rel = _course(rng, band, dur, fac, 0)
        tvl = _vl_switch(ti, end, fac)
        total = 0.0
        for day in range(ti, end):
            total += daily_infectiousness(day, ti, ts, end, sev, rel, tvl, fac)
        out[k] = total
    return out


@njit(cache=True)
def infect(
    j,
    day,
    layer,
    rng,
    age,
    area,
    band,
    dur,
    fac,
    st,
    t_exp,
    t_inf,
    t_end,
    active,
    slot,
    n_active,
    by_area,
    by_layer,
    vac_inf,
):
    """Infect agent ``j`` on ``day`` through ``layer`` (-1: seeded or imported); append it.

    The agent's own arrays get what testing reads (state, exposure, infectiousness and end
    days); the course goes beside its entry in the active list (``slot`` row: infectious day,
    symptom day, end day, severity, infectiousness times the vaccine's factor, viral-load switch
    day, flags), so the day loop reads its infectious agents in sequence, not scattered over the
    population.
    """
    a = age[j]
    ti, ts, _tv, end, sev, rel = _course(rng, band, dur, fac, a)
    st[j] = EXP
    t_exp[j] = day
    t_inf[j] = day + ti
    t_end[j] = day + end
    active[n_active] = j
    row = slot[n_active]
    row[0] = day + ti
    row[1] = NEVER if ts == NEVER else day + ts
    row[2] = day + end
    row[3] = sev
    row[4] = rel * vac_inf
    row[5] = day + _vl_switch(ti, end, fac)
    row[6] = 0.0
    by_area[area[j]] += 1
    by_layer[layer + 1] += 1
    return n_active + 1


@njit(cache=True)
def progress(
    day,
    rng,
    active,
    slot,
    n_active,
    st,
    t_diag,
    t_result,
    pending,
    n_pending,
    p_seek,
    seek_delays,
    turnaround,
    sensitivity,
):
    """E→I and I→R/D for the active agents; symptom onsets seek a test. Returns counts.

    Returns ``(n_active, n_pending, new_symptomatic, new_recovered, new_dead, infectious)``.
    ``slot[k, 6]`` flags: 1 infectious recorded, 2 symptom onset handled.
    """
    keep = 0
    new_sym = 0
    new_rec = 0
    new_dead = 0
    infectious = 0
    for k in range(n_active):
        i = active[k]
        row = slot[k]
        flags = int(row[6])
        if flags & 1 == 0 and row[0] <= day:
            st[i] = INF
            flags |= 1
        if flags & 2 == 0 and row[1] <= day:
            flags |= 2
            new_sym += 1
            if t_diag[i] < 0 and t_result[i] < 0 and p_seek > 0.0 and rng.random() < p_seek:
                if rng.random() < sensitivity:
                    delay = seek_delays[rng.integers(0, seek_delays.shape[0])]
                    t_result[i] = day + delay + turnaround
                    pending[n_pending] = i
                    n_pending += 1
        if row[2] <= day:
            if row[3] == 4:
                st[i] = DEAD
                new_dead += 1
            else:
                st[i] = REC
                new_rec += 1
            continue
        if flags & 1:
            infectious += 1
        row[6] = flags
        if keep != k:
            active[keep] = i
            slot[keep] = row
        keep += 1
    return keep, n_pending, new_sym, new_rec, new_dead, infectious
