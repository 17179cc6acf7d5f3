"""A day's transmission over the layers (thinned draws), and infections seeded from outside."""

from __future__ import annotations

import numpy as np

from .care import quarantine_phase
from .common import GROUP, HOUSEHOLD, SUS, njit
from .course import daily_infectiousness, infect


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
        base = beta * daily_infectiousness(
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
