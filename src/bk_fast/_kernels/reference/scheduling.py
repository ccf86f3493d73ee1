"""Reference kernels for finite-capacity machine scheduling (plain Python loops: the algorithms are sequential).

Time is in working days from the schedule start (float64); the calendar lives in the pandas layer.
Both kernels are exact: every engine performs the same floating-point operations in the same order, so
their results are equal bit for bit.
"""

from __future__ import annotations

from bk_fast._engine import kernel


@kernel
def list_schedule(order, job_group, work, release, job_style, group_ptr, group_mach, speed, setup,
                  avail, last_style, load, out_machine, out_start, out_end, out_setup):
    """Greedy list scheduling: jobs in ``order``, each to the eligible machine where it finishes earliest.

    Job ``j`` may run on the machines ``group_mach[group_ptr[g]:group_ptr[g + 1]]`` of its group
    ``g = job_group[j]`` (listed in ascending machine code, never empty; ``g < 0``: no eligible machine, the
    job is skipped with ``out_machine[j] = -1``). On machine ``m`` it would start at
    ``t = max(avail[m], release[j])``, spend ``setup[m]`` days on a changeover when ``last_style[m] >= 0``
    differs from ``job_style[j]``, then
    ``work[j] / speed[m]`` days knitting. The machine with the earliest end wins; ties go to the lower
    ``load`` (busy days so far), then the lower machine code. ``avail``, ``last_style`` and ``load`` are the
    machines' state and are updated in place; ``out_start`` is when the machine is taken (changeover
    included), ``out_end`` when the job is done, ``out_setup`` the changeover days.

    The compiled engines read a group whose machines are consecutive codes with one speed (a work center, as
    ``bk_fast.schedule`` numbers the machines) as plain runs of state and divide once per job; every other
    group (eligible lists, mixed speeds) goes machine by machine. Both give this function's results bit for
    bit (``max(avail, release)`` included: ``release`` only when it is greater, which decides the sign of a
    zero start).
    """
    avail_l = avail.tolist()
    style_l = last_style.tolist()
    load_l = load.tolist()
    speed_l = speed.tolist()
    setup_l = setup.tolist()
    ptr = group_ptr.tolist()
    mach = group_mach.tolist()
    groups = job_group.tolist()
    work_l = work.tolist()
    rel_l = release.tolist()
    jstyle = job_style.tolist()
    for j in order.tolist():
        g = groups[j]
        if g < 0:
            out_machine[j] = -1
            continue
        best = -1
        best_end = 0.0
        best_load = 0.0
        best_t = 0.0
        best_su = 0.0
        r = rel_l[j]
        s = jstyle[j]
        w = work_l[j]
        for k in range(ptr[g], ptr[g + 1]):
            m = mach[k]
            t = avail_l[m]
            if r > t:
                t = r
            su = 0.0
            ls = style_l[m]
            if ls >= 0 and ls != s:
                su = setup_l[m]
            end = t + su + w / speed_l[m]
            ld = load_l[m]
            if best < 0 or end < best_end or (end == best_end and (ld < best_load or (ld == best_load
                                                                                    and m < best))):
                best, best_end, best_load, best_t, best_su = m, end, ld, t, su
        avail_l[best] = best_end
        style_l[best] = s
        load_l[best] = best_load + (best_su + w / speed_l[best])
        out_machine[j] = best
        out_start[j] = best_t
        out_end[j] = best_end
        out_setup[j] = best_su
    avail[:] = avail_l
    last_style[:] = style_l
    load[:] = load_l


def _heap_push(heap, size, item, key_p):
    # max-heap on (processing, position): the root is the longest job, the latest in due order among ties
    i = size
    heap[i] = item
    while i > 0:
        parent = (i - 1) >> 1
        a, b = heap[parent], heap[i]
        if key_p[a] < key_p[b] or (key_p[a] == key_p[b] and a < b):
            heap[parent], heap[i] = b, a
            i = parent
        else:
            break


def _heap_pop(heap, size, key_p):
    top = heap[0]
    size -= 1
    heap[0] = heap[size]
    i = 0
    while True:
        left = 2 * i + 1
        if left >= size:
            break
        c = left
        right = left + 1
        if right < size and (key_p[heap[right]] > key_p[heap[left]]
                             or (key_p[heap[right]] == key_p[heap[left]] and heap[right] > heap[left])):
            c = right
        a, b = heap[i], heap[c]
        if key_p[b] > key_p[a] or (key_p[b] == key_p[a] and b > a):
            heap[i], heap[c] = b, a
            i = c
        else:
            break
    return top


#: room for the running total of ``moore_hodgson``: the components of a nonoverlapping expansion hold
#: disjoint bits, and a double's bits lie between 2**-1074 and 2**1023
MH_CAP = 2112


def _two_sum(a, b):
    # Knuth's TwoSum: s = fl(a + b) and the exact error, s + e == a + b (round to nearest, no overflow)
    s = a + b
    bv = s - a
    av = s - bv
    return s, (a - av) + (b - bv)


def _grow(e, m, b):
    # e[:m] (a nonoverlapping expansion, increasing magnitude, no zeros) += b in place, exactly (Shewchuk's
    # grow-expansion, zeros dropped); returns the new length
    q = b
    k = 0
    for i in range(m):
        q, h = _two_sum(q, e[i])
        if h != 0.0:
            e[k] = h
            k += 1
    if q != 0.0:
        e[k] = q
        k += 1
    return k


def _exceeds(e, m, d):
    # e[:m] > d exactly (d finite): the sign of the expansion e - d is that of its largest nonzero component
    q = -d
    last = 0.0
    for i in range(m):
        q, h = _two_sum(q, e[i])
        if h != 0.0:
            last = h
    return (q if q != 0.0 else last) > 0.0


@kernel
def moore_hodgson(order, processing, due, on_time):
    """Moore-Hodgson on one machine: the most jobs on time (``1||sum U_j``), written to ``on_time`` (uint8).

    ``order`` is the earliest-due-date order (ties already broken by the caller; infinite due dates last).
    Jobs are added in that order; whenever the running total passes the job's due date, the longest job so
    far (ties: the latest in ``order``) is made late. Returns the number of late jobs.

    Every decision is that of exact arithmetic on the given floats: the running total is kept as an
    unevaluated sum of doubles (a nonoverlapping expansion, grown with error-free TwoSums) and compared with
    the due date exactly, so all engines agree whatever the rounding of a plain float sum would have said.
    A job longer than its due date is late on its own (the longest so far: it is the one dropped) without
    touching the total; once the due dates are infinite every job left is on time. Finite due dates must be
    below 2**1021 (the exact sums then never overflow; ``min_late_jobs`` takes larger ones elsewhere).
    """
    n = order.shape[0]
    ordl = order.tolist()
    # keys by position in due order, so the heap compares positions only
    key_p = [float(processing[j]) for j in ordl]
    dl = [float(due[j]) for j in ordl]
    heap = [0] * n
    size = 0
    total = [0.0] * MH_CAP  # total[:m]: the exact running total of the on-time jobs
    m = 0
    late = [False] * n
    n_late = 0
    for pos in range(n):
        p = key_p[pos]
        d = dl[pos]
        if d == float("inf"):
            break  # due order: no job from here on has a due date
        if p > d:
            late[pos] = True
            n_late += 1
            continue
        _heap_push(heap, size, pos, key_p)
        size += 1
        m = _grow(total, m, p)
        if _exceeds(total, m, d):
            top = _heap_pop(heap, size, key_p)
            size -= 1
            m = _grow(total, m, -key_p[top])
            late[top] = True
            n_late += 1
    for pos in range(n):
        on_time[ordl[pos]] = 0 if late[pos] else 1
    return n_late
