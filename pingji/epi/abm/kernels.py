"""The compiled inner loops of the simulator (numba, cached on disk).

Everything here works on flat arrays handed in by :mod:`.model`; nothing allocates per agent per
day. Randomness comes only from the ``numpy.random.Generator`` (PCG64) passed in, so a run is a
pure function of its inputs and its seed. The first call of a process compiles or loads the
cache (``cache=True``: a second process loads in well under a second).

Conventions: days are ``int16`` with :data:`NEVER` for "does not happen"; agent states are
``SUS=0, EXP=1, INF=2, REC=3, DEAD=4``; layer kinds are ``HOUSEHOLD=0, GROUP=1, STATIC=2``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import numba
import numpy as np

_F = TypeVar("_F", bound=Callable[..., Any])


def njit(**options: Any) -> Callable[[_F], _F]:
    """``numba.njit`` typed as returning the function itself (numba ships no precise types)."""
    decorator: Callable[[_F], _F] = numba.njit(**options)
    return decorator


NEVER = 32000
SUS, EXP, INF, REC, DEAD = 0, 1, 2, 3, 4
HOUSEHOLD, GROUP, STATIC = 0, 1, 2
MAX_STAGE = 1000  # longest single stage (days); a draw beyond is clipped


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
def _daily_infectiousness(day, ti, ts, end, sev, rel, tvl, fac):
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
            total += _daily_infectiousness(day, ti, ts, end, sev, rel, tvl, fac)
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
def csr_from_edges(n, src, dst):
    """Symmetric CSR (indptr int64, indices int32) of undirected edges ``src[k]–dst[k]``."""
    deg = np.zeros(n + 1, np.int64)
    for k in range(src.shape[0]):
        deg[src[k] + 1] += 1
        deg[dst[k] + 1] += 1
    for i in range(n):
        deg[i + 1] += deg[i]
    fill = deg[:-1].copy()
    idx = np.empty(deg[n], np.int32)
    for k in range(src.shape[0]):
        a = src[k]
        b = dst[k]
        idx[fill[a]] = b
        fill[a] += 1
        idx[fill[b]] = a
        fill[b] += 1
    return deg, idx


@njit(cache=True)
def group_index(gid, n_groups):
    """Members sorted by group (int32) and offsets (int64, ``n_groups + 1``); -1 is no group."""
    off = np.zeros(n_groups + 1, np.int64)
    for i in range(gid.shape[0]):
        g = gid[i]
        if g >= 0:
            off[g + 1] += 1
    for g in range(n_groups):
        off[g + 1] += off[g]
    fill = off[:-1].copy()
    members = np.empty(off[n_groups], np.int32)
    for i in range(gid.shape[0]):
        g = gid[i]
        if g >= 0:
            members[fill[g]] = i
            fill[g] += 1
    return members, off


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


@njit(cache=True)
def _p(h, linear):
    if linear:
        return h if h < 1.0 else 1.0
    return 1.0 - np.exp(-h)


@njit(cache=True)
def transmit(
    day,
    rng,
    linear,
    active,
    slot,
    n_active,
    age,
    area,
    doses,
    sus,
    sus_max,
    band,
    dur,
    fac,
    vac,
    beta,
    any_diag,
    layer_beta,
    kinds,
    sub,
    contacts,
    scale,
    uniform,
    any_q,
    iso_f,
    qc_f,
    qh_f,
    hh_start,
    household,
    gid,
    gmem,
    goff,
    gbase,
    sptr,
    sidx,
    sbase,
    st,
    t_exp,
    t_inf,
    t_end,
    t_diag,
    q_start,
    q_home,
    q_end,
    by_area,
    by_layer,
):
    """One day of transmission from the agents infectious at its start. Returns ``n_active``.

    For an infectious agent ``i`` and a susceptible contact ``j`` on layer ``l`` the hazard is
    ``β · β_l · s_l · rel(i) · sus(j) · q_l(i) · q_l(j)``, where ``s_l`` is the smaller of the two
    areas' scale of the layer that day (``uniform``: the same in every area), ``sus(j)`` the
    target's susceptibility (age and vaccine, precomputed), ``rel(i)`` the source's
    infectiousness (individual draw, stage, viral load, vaccine, isolation) and ``q_l`` the
    quarantine factors; ``j`` is infected with probability ``p = 1 - exp(-hazard)`` (or
    ``min(hazard, 1)`` when ``linear``).

    Contacts are thinned rather than visited one by one: with ``p_max`` the probability for the
    most susceptible possible target, candidates are drawn with probability ``p_max`` (geometric
    skips along a contact list; ``Poisson(contacts · p_max)`` draws from a group) and a candidate
    is infected with probability ``p / p_max`` — the same law, with random numbers only for the
    few candidates.
    """
    n_layers = kinds.shape[0]
    n_start = n_active
    for k in range(n_start):
        row = slot[k]
        if row[0] > day:
            continue
        i = active[k]
        base = beta * _daily_infectiousness(
            day, int(row[0]), int(row[1]), int(row[2]), int(row[3]), row[4], int(row[5]), fac
        )
        if base <= 0.0:
            continue
        diagnosed = any_diag and t_diag[i] >= 0 and t_diag[i] <= day
        qi = quarantine_phase(i, day, q_start, q_home, q_end) if any_q else 0
        ai = 0 if uniform else area[i]
        for layer in range(n_layers):
            h = base * layer_beta[layer]
            if diagnosed:
                h *= iso_f[layer]
            if qi == 1:
                h *= qc_f[layer]
            elif qi == 2:
                h *= qh_f[layer]
            si = scale[layer, day, ai]
            h *= si
            if h <= 0.0:
                continue
            p_max = _p(h * sus_max, linear)
            kind = kinds[layer]
            s = sub[layer]
            if kind == GROUP:
                g = gid[s, i]
                if g < 0:
                    continue
                lo = goff[gbase[s] + g]
                size = goff[gbase[s] + g + 1] - lo
                if size <= 1:
                    continue
                n_cand = rng.poisson(contacts[layer] * p_max)
                n_c = size
            elif kind == HOUSEHOLD:
                hh = household[i]
                lo = hh_start[hh]
                n_c = hh_start[hh + 1] - lo
                n_cand = 0
            else:
                lo = sptr[s, i]
                n_c = sptr[s, i + 1] - lo
                n_cand = 0
            if n_c <= 0:
                continue
            log_q = np.log1p(-p_max) if p_max < 1.0 else 0.0
            if p_max < 1.0 and log_q == 0.0:
                continue  # too small to ever infect (below double precision)
            pos = -1
            c = 0
            while True:
                if kind == GROUP:
                    if c >= n_cand:
                        break
                    c += 1
                    j = gmem[s, lo + rng.integers(0, n_c)]
                else:
                    if p_max >= 1.0:
                        pos += 1
                    else:
                        jump = np.log(1.0 - rng.random()) / log_q
                        if jump >= n_c:
                            break
                        pos += 1 + int(jump)
                    if pos >= n_c:
                        break
                    if kind == HOUSEHOLD:
                        j = lo + pos
                    else:
                        j = sidx[sbase[s] + lo + pos]
                if j == i or st[j] != SUS:
                    continue
                hj = base * layer_beta[layer] * sus[j]
                if diagnosed:
                    hj *= iso_f[layer]
                if qi == 1:
                    hj *= qc_f[layer]
                elif qi == 2:
                    hj *= qh_f[layer]
                if uniform:
                    hj *= si
                else:
                    sj = scale[layer, day, area[j]]
                    hj *= sj if sj < si else si
                if any_q:
                    qj = quarantine_phase(j, day, q_start, q_home, q_end)
                    if qj == 1:
                        hj *= qc_f[layer]
                    elif qj == 2:
                        hj *= qh_f[layer]
                p = _p(hj, linear)
                if p <= 0.0:
                    continue
                if p < p_max and rng.random() * p_max >= p:
                    continue
                n_active = infect(
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
                    vac[1, doses[j]],
                )
    return n_active


@njit(cache=True)
def seed_infections(
    day,
    rng,
    count,
    area_on,
    doses,
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
    vac,
):
    """Infect ``count`` random susceptible agents of the flagged areas (seeds, importations)."""
    n = st.shape[0]
    done = 0
    tries = 0
    while done < count and tries < 100 * count + 1000:
        tries += 1
        j = rng.integers(0, n)
        if st[j] != SUS or not area_on[area[j]]:
            continue
        n_active = infect(
            j,
            day,
            -1,
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
            vac[1, doses[j]],
        )
        done += 1
    return n_active


@njit(cache=True)
def infect_agents(
    day,
    rng,
    agents,
    doses,
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
    vac,
):
    """Infect the given agents (those still susceptible), as seeds."""
    for k in range(agents.shape[0]):
        j = agents[k]
        if st[j] != SUS:
            continue
        n_active = infect(
            j,
            day,
            -1,
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
            vac[1, doses[j]],
        )
    return n_active
