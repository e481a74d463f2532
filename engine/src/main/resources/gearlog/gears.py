# Gearlog's Python side of RedisGears 1.2: GearsBuilder, every operation, the readers of run(), the builtins
# user code sees, error formatting and the deterministic clock/random patches. One copy of this module lives
# in each worker's GraalPy context; `_host` is the Java side (io.gearlog.engine.python.HostApi).
# Frames of this file are hidden from the tracebacks users see (its source name is '<gearlog>').

import builtins
import collections as _collections
import copy as _copy
import os as _os
import posix as _posix
import random as _random
import sys as _sys
import time as _time
import traceback as _traceback
import types as _types
import weakref as _weakref

SHARD_ID = '0' * 40
_OWN_FILE = '<gearlog>'


# ---------------------------------------------------------------- exceptions

class error(Exception):
    """gears.error: every error raised by the runtime itself."""


class _FlatError(Exception):
    """Raised by flat_error(msg): reported verbatim, without type or traceback."""

    def __init__(self, msg):
        super().__init__(msg)
        self.msg = msg


_FlatError.__name__ = 'flat_error'
_FlatError.__qualname__ = 'flat_error'


class forcestopped(Exception):
    """gears.forcestopped: what RG.ABORTEXECUTION stops a running execution with."""


# ---------------------------------------------------------------- determinism (stack.md section 9)

_clock = _host.clock_ns
# the profiler measures real time: captured before the clock patches below
_perf_counter = _time.perf_counter
# host functions every execution calls, looked up once (a member read on the host object is a foreign call)
_host_profiling = _host.profiling
_host_keys = _host.keys


def _t():
    return _clock() / 1e9


def _tns():
    return int(_clock())


_time.time = _time.monotonic = _time.perf_counter = _t
_time.time_ns = _time.monotonic_ns = _time.perf_counter_ns = _tns
_lt, _gt, _ct, _asc, _sf = _time.localtime, _time.gmtime, _time.ctime, _time.asctime, _time.strftime
_time.localtime = lambda s=None: _lt(_t() if s is None else s)
_time.gmtime = lambda s=None: _gt(_t() if s is None else s)
_time.ctime = lambda s=None: _ct(_t() if s is None else s)
_time.asctime = lambda t=None: _asc(_time.localtime() if t is None else t)
_time.strftime = lambda f, t=None: _sf(f, _time.localtime() if t is None else t)

_OrigRandom = _random.Random
# the seed begin() was given, applied at the first use of randomness (most executions draw nothing: seeding a
# Mersenne Twister per execution was a large part of a sync execution's cost); same values as seeding at once
_seed_pending = None


def _seed_now():
    global _seed_pending
    s = _seed_pending
    _seed_pending = None
    _OrigRandom.seed(_inst, s)
    _OrigRandom.seed(_rng, s ^ 0x5EED)


class _LazySeeded(_OrigRandom):
    """The module's own generators: every draw goes through random() or getrandbits(), state through these."""

    def random(self):
        if _seed_pending is not None:
            _seed_now()
        return _OrigRandom.random(self)

    def getrandbits(self, k):
        if _seed_pending is not None:
            _seed_now()
        return _OrigRandom.getrandbits(self, k)

    def seed(self, a=None, version=2):
        if _seed_pending is not None:
            _seed_now()
        _OrigRandom.seed(self, a, version)

    def getstate(self):
        if _seed_pending is not None:
            _seed_now()
        return _OrigRandom.getstate(self)

    def setstate(self, state):
        if _seed_pending is not None:
            _seed_now()
        _OrigRandom.setstate(self, state)


_rng = _LazySeeded(0)
_inst = _LazySeeded(0)
for _n in dir(_random):
    _f = getattr(_random, _n)
    if getattr(_f, '__self__', None) is _random._inst:
        setattr(_random, _n, getattr(_inst, _n))
_random._inst = _inst


def _urandom(n):
    return _rng.randbytes(n)


_os.urandom = _posix.urandom = _random._urandom = _urandom


class _DetRandom(_OrigRandom):
    def seed(self, a=None, version=2):
        super().seed(_rng.getrandbits(64) if a is None else a, version)


_random.Random = _DetRandom


def begin(seed):
    """Called by Java before a script or an execution runs: randomness derived from its journal record."""
    global _seed_pending
    _seed_pending = seed


# ---------------------------------------------------------------- sandbox: modules that reach the host

class _Blocker:
    # 'polyglot' stays importable: the standard library uses it, and polyglot access is denied anyway
    BLOCKED = ('java',)

    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in self.BLOCKED:
            raise ImportError("import of '%s' is not allowed in Gearlog's Python sandbox" % name, name=name)
        return None


for _n in list(_sys.modules):
    if _n.split('.')[0] in _Blocker.BLOCKED:
        del _sys.modules[_n]
_sys.meta_path.insert(0, _Blocker())


# ---------------------------------------------------------------- error strings (spec README 5.4)

def _user_frames(tb):
    return [f for f in _traceback.extract_tb(tb) if f.filename != _OWN_FILE]


def format_error(e):
    if isinstance(e, _FlatError):
        return str(e.msg)
    if _host.traceback_mode():
        try:
            frames = _user_frames(e.__traceback__)
            lines = []
            if frames:
                lines.append('Traceback (most recent call last):\n')
                lines.extend(_traceback.format_list(frames))
            lines.extend(_traceback.format_exception_only(type(e), e))
            return str(lines)
        except BaseException:
            pass
    return 'Error type: %s, Value: %s' % (str(type(e)), str(e))


def format_flat(type_name, msg):
    """An error that has no Python exception object (interrupt, sandbox denial) in the configured format."""
    if _host.traceback_mode():
        return str(['%s: %s\n' % (type_name, msg)])
    return "Error type: <class '%s'>, Value: %s" % (type_name, msg)


# ---------------------------------------------------------------- result -> RESP (spec README 6.3)

def _resp(v, out):
    if isinstance(v, str):
        if len(v) > 1 and v[0] == '+':
            out.append(b'+' + _line(v[1:]) + b'\r\n')
        elif len(v) > 1 and v[0] == '-':
            out.append(b'-' + _line(v[1:]) + b'\r\n')
        else:
            b = v.encode('utf-8', 'surrogateescape')
            out.append(b'$%d\r\n%s\r\n' % (len(b), b))
    elif isinstance(v, bytes):
        out.append(b'$%d\r\n%s\r\n' % (len(v), v))
    elif isinstance(v, int):
        n = int(v)
        if -(1 << 63) <= n < (1 << 63):
            out.append(b':%d\r\n' % n)
        else:
            b = str(n).encode()
            out.append(b'$%d\r\n%s\r\n' % (len(b), b))
    elif isinstance(v, float):
        b = ('%f' % v).encode()
        out.append(b'$%d\r\n%s\r\n' % (len(b), b))
    elif isinstance(v, list):
        out.append(b'*%d\r\n' % len(v))
        for x in v:
            _resp(x, out)
    else:
        out.append(b'$9\r\nPY RECORD\r\n')


def _line(s):
    return s.encode('utf-8', 'surrogateescape').replace(b'\r', b' ').replace(b'\n', b' ')


def to_resp(v):
    out = []
    _resp(v, out)
    return b''.join(out).decode('latin-1')


# ---------------------------------------------------------------- records built for Java readers

def _keys_records(flat, read_value):
    """KeysReader records from a flat batch (see Convert.keysBatch); dict order per spec README 6.4."""
    flat = list(flat)
    if not read_value:
        return [{'event': None, 'key': k} for k in flat]
    out = []
    for i in range(0, len(flat), 3):
        t = flat[i + 1]
        v = flat[i + 2]
        if t == 'hash':
            v = mk_dict(v)
        elif t == 'list':
            v = list(v)
        out.append({'event': None, 'key': flat[i], 'type': t, 'value': v})
    return out


def mk_dict(flat):
    it = iter(flat)
    return dict(zip(it, it))


def mk_list(arr):
    return list(arr)


def mk_bytearray(latin1):
    return bytearray(latin1, 'latin-1')


def mk_stream(key, sid, fields):
    return {'key': key, 'id': sid, 'value': fields}


# ---------------------------------------------------------------- execution state

class _Run:
    """One execution being built or run: the plan, the reader and the outcome."""

    def __init__(self, builder, reader, args):
        self.descs = list(builder._descs)
        self.ops = list(builder._ops)
        self.reader = reader
        self.args = args
        self.number = -1
        self.id = None
        self.results = []
        self.errors = []
        self.stop = False
        self.prof = False
        self.step_ns = [0] * len(self.descs)
        self.read_ns = 0
        self.done = False
        self.session = None


class _State:
    """What the current thread is doing: a script body ('script'), an execution ('exec') or the re-evaluation of a
    session's script that gives a context its callables back ('load')."""

    def __init__(self, mode, session):
        self.mode = mode
        self.session = session
        self.pending = None
        # script mode: registration descriptors for Java, plans and onRegistered callbacks by registration number
        self.regs = []
        self.plans = {}
        self.onreg = {}
        # session replaced by this script (UPGRADE / REPLACE_WITH): its triggers and hooks do not count
        self.replacing = None
        # load mode: stored registration numbers by the ordinal of the register() call that created them
        self.load = None
        self.ordinal = 0
        # exec mode: the execution number (EFFECT origin) and what the execution may do
        self.number = -1
        self.reg = None
        # a CommandReader hook execution (call_next), a KeysReader execution linked to a command (override_reply)
        self.hook = False
        self.linked = False


_state = None


def _mode():
    return None if _state is None else _state.mode


# ---------------------------------------------------------------- step implementations (push model)
# Each sink has push(record) and flush(). An exception in a callback becomes an error string in the
# execution's errors list, the record goes no further, and the reader stops producing (spec README 5.4).

class _Results:
    def __init__(self, run):
        self.run = run

    def push(self, r):
        self.run.results.append(r)

    def flush(self):
        pass


def _fail(run, e):
    if _host.stopping():
        # being interrupted (abort, time limit): let it end the execution instead of becoming a record error
        raise e
    run.errors.append(format_error(e))
    run.stop = True


# ---------------------------------------------------------------- suspended records (runtime.md section 9.2)
# A step callback that returns a gearsFuture suspends its record. map, flatmap, filter and foreach keep pulling
# input while up to _MAX_OUTSTANDING of their records wait (their output keeps the input order); the other steps
# handle one record at a time. When nothing can go on, the sink raises _Suspend, which unwinds to run_pipeline;
# every frame on the way that still had work to do (the rest of a flatmap list, a flush, the reader) appends it to
# `conts`. The execution is kept in _parked and the worker is free. Completing a future asks Java to queue
# resume() on this context's thread, which runs the continuations in order (a further suspension carries the
# ones not run yet). A future's outcome lands in its _Cell, which the parked execution holds instead of the
# future itself.

_MAX_OUTSTANDING = 1000


class _Suspend(BaseException):
    def __init__(self, cont=None):
        self.conts = [] if cont is None else [cont]


class _Cell:
    """Where a returned future's outcome lands: (ok, value) once done."""
    __slots__ = ('run', 'done', 'value')

    def __init__(self, run):
        self.run = run
        self.done = False
        self.value = None

    def finish(self, value):
        if self.done or getattr(self.run, 'abandoned', False):
            return
        self.done = True
        self.value = value
        _ready.append(self.run.number)
        _host.wake()


class _GearsFuture:
    __slots__ = ('_cell', '_state', '__weakref__')

    def __init__(self):
        self._cell = None
        # 0 created, 1 returned by its callback (its record waits), 2 completed
        self._state = 0

    def continueRun(self, *args):
        self._complete(True, args)

    def continueFailed(self, *args):
        self._complete(False, args)

    def _complete(self, ok, args):
        if len(args) != 1:
            raise error('wrong number of arguments given to continue')
        if self._cell is not None and getattr(self._cell.run, 'abandoned', False):
            # its execution was aborted while it waited
            return
        if self._state == 2:
            raise error('Can not continue with the same future twice')
        if self._state == 0:
            raise error('Can not handle future untill it returned from the callback')
        self._finish((ok, args[0]))

    def _finish(self, value):
        self._state = 2
        if self._cell is not None:
            # a future that was never returned by its callback is discarded
            self._cell.finish(value)

    def __repr__(self):
        return '<gearsFuture>'


# execution number -> (run, state, continuations)
_parked = {}
# parked executions a future of which completed, in completion order
_ready = []
# > 0 while a callback that may not suspend (an extractor, a batchgroupby reducer) runs
_no_async_depth = [0]


def _no_async(f, *a):
    _no_async_depth[0] += 1
    try:
        return f(*a)
    finally:
        _no_async_depth[0] -= 1


_LOST = (False, 'Async record did not called continue')


def _returned(run, fut):
    """A callback returned `fut`: its record waits for it. Returns the cell its outcome will land in. A future
    collected before it was completed fails its record (runtime.md 9.2): nothing can complete it any more."""
    cell = _Cell(run)
    fut._cell = cell
    fut._state = 1
    _weakref.finalize(fut, cell.finish, _LOST)
    _arm_sweep()
    return cell


# Seconds until the armed sweep for lost futures runs (0: none armed). Finalizers run only when the JVM collects
# and this context runs Python, so while executions are parked a timer collects in this context now and then
# (1 s, then twice as long each time, at most a minute) instead of waiting for unrelated work to come here.
_sweep = [0]


def _arm_sweep():
    if _sweep[0] == 0 and _host.sweep_after(1000):
        _sweep[0] = 1


def sweep_lost():
    """The sweep timer's turn (on this context's thread): a collection runs the finalizers of the returned futures
    nothing references any more, which fail their records and queue the executions' resumption."""
    delay, _sweep[0] = _sweep[0], 0
    if not _parked:
        return
    import gc
    gc.collect()
    # GraalPy runs weakref callbacks after a collection: a second one gives them their turn
    gc.collect()
    if _parked:
        delay = min(delay * 2, 60)
        if _host.sweep_after(delay * 1000):
            _sweep[0] = delay


def _outcome_of(run, cell, apply):
    ok, v = cell.value
    if ok:
        apply(v)
    else:
        # the record becomes an error, as if its callback had raised
        run.errors.append(str(v))
        run.stop = True


def _park(run, fut, apply):
    """A record of a one-at-a-time step waits for `fut`: the execution suspends until it completed."""
    cell = _returned(run, fut)

    def wait():
        if not cell.done:
            raise _Suspend(wait)
        _outcome_of(run, cell, apply)

    return _Suspend(wait)


def _emit(nxt, items, after):
    """Pushes items in order; a suspension carries the rest (and `after`)."""
    for i, x in enumerate(items):
        try:
            nxt.push(x)
        except _Suspend as s:
            rest = items[i + 1:]
            if rest:
                s.conts.append(lambda: _emit(nxt, rest, None))
            if after is not None:
                s.conts.append(after)
            raise


def _continue(run, conts):
    """Runs continuations; returns None when done, or the continuations of a further suspension."""
    for i, c in enumerate(conts):
        try:
            c()
        except _Suspend as s:
            return s.conts + conts[i + 1:]
        except _FlatError as e:
            run.errors.append(str(e.msg))
        except BaseException as e:
            if _host.stopping():
                raise
            run.errors.append(format_error(e))
    return None


def parked_ready():
    """Moves the Gears loop on (coroutines whose futures were set), then gives the numbers of parked executions
    that can go on (Java resumes each with resume())."""
    global _state, _ready
    if _loop is not None:
        _state = _State('exec', None)
        try:
            _loop.pump()
        finally:
            _state = None
    # swapped, not cleared: a finalizer may append while this runs (_Cell.finish reads the global each time)
    out, _ready = _ready, []
    return list(dict.fromkeys(out))


def resume(number):
    """Resumes parked execution `number` on this thread: like run_registration, returns `outcome(run)`, or
    True when it parked again (or is not parked here)."""
    global _state
    p = _parked.pop(number, None)
    if p is None:
        return True
    run, st, conts = p
    _state = st
    try:
        nxt = _continue(run, conts)
        if nxt is not None:
            _parked[number] = (run, st, nxt)
            return True
    finally:
        _state = None
        _profile_publish(run)
    run.done = True
    return outcome(run)


def abandon(number):
    """An aborted parked execution: forget it (its futures' later completions are ignored)."""
    p = _parked.pop(number, None)
    if p is not None:
        p[0].abandoned = True


# ---------------------------------------------------------------- coroutines (runtime.md section 9.1)
# asyncio.run() does not work in the sandbox, so step callbacks that return coroutines are driven by this small
# event loop, on the thread that runs the execution. Where the execution may park, a coroutine that waits for
# something outside the loop suspends its record like a gearsFuture; elsewhere it is driven to its end.

def _make_loop():
    import asyncio
    import heapq

    class _AtomicAwareFuture(asyncio.Future):
        """createFuture(): awaiting it inside atomic() would hold the server while it waits (runtime.md 3)."""

        def __await__(self):
            if _host.in_atomic():
                raise error('await is not allow inside atomic block')
            return (yield from super().__await__())

        __iter__ = __await__

    class Loop(asyncio.AbstractEventLoop):
        def __init__(self):
            self._ready = []
            self._timers = []

        def time(self):
            return _host.nanos() / 1e9

        def call_soon(self, cb, *args, context=None):
            h = asyncio.Handle(cb, args, self, context)
            self._ready.append(h)
            return h

        def call_soon_threadsafe(self, cb, *args, context=None):
            return self.call_soon(cb, *args, context=context)

        def call_later(self, delay, cb, *args, context=None):
            return self.call_at(self.time() + delay, cb, *args, context=context)

        def call_at(self, when, cb, *args, context=None):
            h = asyncio.TimerHandle(when, cb, args, self, context)
            heapq.heappush(self._timers, h)
            return h

        def _timer_handle_cancelled(self, h):
            pass

        def create_future(self):
            return _AtomicAwareFuture(loop=self)

        def create_task(self, coro, *, name=None, context=None):
            return asyncio.Task(coro, loop=self)

        def get_debug(self):
            return False

        def is_closed(self):
            return False

        def is_running(self):
            return True

        def call_exception_handler(self, context):
            _host.log('warning', 'GEARS: ' + str(context.get('message')))

        def drive(self, coro, park=False):
            """Runs `coro` to its end; with `park`, returns a gearsFuture completed with its outcome as soon as
            it waits for something outside this loop's ready work (the record parks, the worker goes on)."""
            import time
            task = asyncio.Task(coro, loop=self)
            asyncio.events._set_running_loop(self)
            try:
                while not task.done():
                    if not self._ready and park:
                        gf = _GearsFuture()

                        def done(t, gf=gf):
                            if t.cancelled():
                                gf._finish((False, 'coroutine was cancelled'))
                            elif t.exception() is not None:
                                gf._finish((False, format_error(t.exception())))
                            else:
                                gf._finish((True, t.result()))

                        task.add_done_callback(done)
                        self._wake_for_timers()
                        return gf
                    if not self._ready:
                        while self._timers and self._timers[0].cancelled():
                            heapq.heappop(self._timers)
                        if not self._timers:
                            raise error('the coroutine waits for something that never happens')
                        wait = self._timers[0].when() - self.time()
                        if wait > 0:
                            time.sleep(wait)
                        now = self.time()
                        while self._timers and self._timers[0].when() <= now:
                            h = heapq.heappop(self._timers)
                            if not h.cancelled():
                                self._ready.append(h)
                    ready, self._ready = self._ready, []
                    for h in ready:
                        if not h.cancelled():
                            h._run()
            finally:
                asyncio.events._set_running_loop(None)
            return task.result()

        def _wake_for_timers(self):
            while self._timers and self._timers[0].cancelled():
                heapq.heappop(self._timers)
            if self._timers:
                _host.wake_after(max(0, int((self._timers[0].when() - self.time()) * 1000) + 1))

        def pump(self):
            """Runs what is ready and the timers that are due, without waiting (a parked coroutine moves on)."""
            asyncio.events._set_running_loop(self)
            try:
                while True:
                    now = self.time()
                    while self._timers and self._timers[0].when() <= now:
                        h = heapq.heappop(self._timers)
                        if not h.cancelled():
                            self._ready.append(h)
                    if not self._ready:
                        break
                    ready, self._ready = self._ready, []
                    for h in ready:
                        if not h.cancelled():
                            h._run()
            finally:
                asyncio.events._set_running_loop(None)
            self._wake_for_timers()

    return Loop()


def _get_loop():
    global _loop
    if _loop is None:
        _loop = _make_loop()
    return _loop


def createFuture(*args):
    """An asyncio future on the Gears loop: awaiting it parks the record until setFutureResults/Exception."""
    return _get_loop().create_future()


def setFutureResults(f, res):
    f.set_result(res)
    _host.wake()


def setFutureException(f, exc):
    if not isinstance(exc, Exception):
        exc = Exception(str(exc))
    f.set_exception(exc)
    _host.wake()


def runCoroutine(coro, f=None, delay=0):
    """Schedules `coro` on the Gears loop after `delay` seconds; completes `f` (continueRun/continueFailed) with
    its outcome, or logs its exception."""
    import asyncio
    loop = _get_loop()

    async def later():
        if delay:
            await asyncio.sleep(delay)
        return await coro

    task = asyncio.Task(later(), loop=loop)

    def done(t):
        exc = None if t.cancelled() else t.exception()
        if f is not None:
            if t.cancelled():
                f.continueFailed('coroutine was cancelled')
            elif exc is not None:
                f.continueFailed(exc)
            else:
                f.continueRun(t.result())
        elif exc is not None:
            _host.log('warning', 'GEARS: runCoroutine: ' + format_error(exc))

    task.add_done_callback(done)
    _host.wake()


_loop = None


def warm_async():
    """Imports asyncio ahead of time (the engine's context: a sync execution must not spend seconds on it)."""
    global _loop
    if _loop is None:
        _loop = _make_loop()


class _Bound:
    """A step's coroutine whose every step runs as part of its execution (call_next, override_reply and the
    EFFECT origin of execute() work), also when the Gears loop moves it on after a park."""
    __slots__ = ('coro', 'st')

    def __init__(self, coro, st):
        self.coro = coro
        self.st = st

    def _step(self, f, *a):
        global _state
        saved = _state
        _state = self.st
        prev = _host.swap_origin(self.st.number)
        try:
            return f(*a)
        finally:
            _state = saved
            _host.swap_origin(prev)

    def send(self, v):
        return self._step(self.coro.send, v)

    def throw(self, *a):
        return self._step(self.coro.throw, *a)

    def close(self):
        return self.coro.close()

    def __await__(self):
        return self

    def __iter__(self):
        return self

    def __next__(self):
        return self.send(None)


def _awaiting(f):
    """A step callback that may return a coroutine: it is driven to its end here."""
    def call(*a):
        st = _state
        if st is not None:
            # one gearsFuture() per callback call
            saved, st.made = getattr(st, 'made', False), False
        try:
            r = f(*a)
        finally:
            if st is not None:
                st.made = saved
        if isinstance(r, _types.CoroutineType):
            if not isAsyncAllow():
                r.close()
                # raised by the runtime itself, not by Python code: never a traceback
                raise _FlatError("Error type: <class 'gears.error'>, Value: Creating async record is not allowed")
            st = _state
            if st is not None:
                r = _Bound(r, st)
            return _get_loop().drive(r, getattr(st, 'can_park', False) and _no_async_depth[0] == 0)
        return r
    return call


def _timed(run, idx, f):
    prof = run.prof
    if not prof:
        return f
    nanos = _host.nanos

    def call(*a):
        t = nanos()
        # a callback called from inside another one is already being profiled
        own = _sys.getprofile() is None
        if own:
            _sys.setprofile(prof.hook)
        try:
            return f(*a)
        finally:
            if own:
                _sys.setprofile(None)
                prof.close()
            run.step_ns[idx] += nanos() - t

    return call


# ---------------------------------------------------------------- RG.PYPROFILE (commands.md)
# GraalPy's cProfile stands on a sampler the server cannot use, so callbacks are profiled with sys.setprofile into
# the table pstats reads: {(file, line, name): [primitive calls, calls, own time, cumulative time, {caller:
# [calls, primitive calls, own time, cumulative time]}]}. Each context keeps a table per session and hands a copy
# to Java after every profiled execution; RG.PYPROFILE STATS merges the copies of all contexts and renders them
# with pstats.

class _Profile:
    def __init__(self, gen):
        self.gen = gen
        self.table = {}
        # open calls: [key, code or None for a builtin, start, time spent in callees]; key None hides Gearlog's
        # own frames (and the builtins they call): their time counts as their caller's
        self.stack = []
        self.depth = {}

    def hook(self, frame, event, arg):
        now = _perf_counter()
        st = self.stack
        if event == 'call':
            code = frame.f_code
            if code.co_filename == _OWN_FILE:
                st.append([None, code, now, 0.0])
            else:
                self._enter((code.co_filename, code.co_firstlineno, code.co_name), code, now)
        elif event == 'c_call':
            if st and st[-1][0] is None:
                st.append([None, None, now, 0.0])
            else:
                self._enter(('~', 0, _builtin_label(arg)), None, now)
        elif event == 'return':
            # a builtin that raised sends c_exception; anything else still open above this frame ended with it
            code = frame.f_code
            for i in range(len(st) - 1, -1, -1):
                if st[i][1] is code:
                    while len(st) > i:
                        self._leave(now)
                    break
        elif st and st[-1][1] is None:
            self._leave(now)

    def _enter(self, key, code, now):
        self.stack.append([key, code, now, 0.0])
        self.depth[key] = self.depth.get(key, 0) + 1

    def _leave(self, now):
        st = self.stack
        key, _, start, inner = st.pop()
        if key is None:
            if st:
                st[-1][3] += inner
            return
        elapsed = now - start
        n = self.depth[key]
        self.depth[key] = n - 1
        outermost = n == 1
        e = self.table.get(key)
        if e is None:
            e = self.table[key] = [0, 0, 0.0, 0.0, {}]
        own = elapsed - inner
        e[1] += 1
        e[2] += own
        if outermost:
            e[0] += 1
            e[3] += elapsed
        if st:
            st[-1][3] += elapsed
            caller = None
            for i in range(len(st) - 1, -1, -1):
                if st[i][0] is not None:
                    caller = st[i][0]
                    break
            if caller is not None:
                # pstats wants a caller's figures as (calls, primitive calls, own time, cumulative time)
                c = e[4].get(caller)
                if c is None:
                    c = e[4][caller] = [0, 0, 0.0, 0.0]
                c[0] += 1
                c[2] += own
                if outermost:
                    c[1] += 1
                    c[3] += elapsed

    def close(self):
        # what is still open is the sys.setprofile(None) that ended profiling, or a frame that never returned
        self.stack.clear()
        self.depth.clear()


def _builtin_label(f):
    owner = getattr(f, '__self__', None)
    if owner is None or isinstance(owner, _types.ModuleType):
        mod = getattr(f, '__module__', None) or getattr(owner, '__name__', None)
        return '<built-in method %s.%s>' % (mod, f.__name__) if mod else '<built-in function %s>' % f.__name__
    return "<method '%s' of '%s' objects>" % (f.__name__, type(owner).__name__)


_profiles = {}


def _profile_for(run):
    """The session's profile in this context when ProfileExecutions is on, else None."""
    if run.session is None or not _host_profiling():
        return None
    gen = _host.profile_generation(run.session)
    if gen < 0:
        return None
    p = _profiles.get(run.session)
    if p is None or p.gen != gen:
        # RG.PYPROFILE RESET (or a new session of that id) since this context last profiled it
        p = _profiles[run.session] = _Profile(gen)
    return p


def _profile_publish(run):
    p = run.prof
    if p:
        t = {k: (e[0], e[1], e[2], e[3], {c: tuple(v) for c, v in e[4].items()}) for k, e in p.table.items()}
        _host.profile_publish(run.session, p.gen, _marshal.dumps(t).decode('latin-1'))


class _ProfileTable:
    """What pstats.Stats loads: an object with create_stats() and stats."""

    def __init__(self, stats):
        self.stats = stats

    def create_stats(self):
        pass


def profile_report(*tables):
    """RG.PYPROFILE STATS: the tables every context published for a session, merged, as pstats prints them."""
    import io
    import pstats
    merged = {}
    for t in tables:
        for k, (cc, nc, tt, ct, callers) in _marshal.loads(t.encode('latin-1')).items():
            m = merged.get(k)
            if m is None:
                merged[k] = (cc, nc, tt, ct, dict(callers))
                continue
            mc = m[4]
            for c, v in callers.items():
                o = mc.get(c)
                mc[c] = v if o is None else tuple(a + b for a, b in zip(o, v))
            merged[k] = (m[0] + cc, m[1] + nc, m[2] + tt, m[3] + ct, mc)
    out = io.StringIO()
    # pstats refuses an empty table; a session nothing was profiled for reports zero calls
    s = pstats.Stats(_ProfileTable(merged), stream=out) if merged else pstats.Stats(stream=out)
    s.sort_stats('tottime')
    s.print_stats()
    s.print_callers()
    s.print_callees()
    return out.getvalue()


class _Map:
    """map, and the base of the steps whose records may wait concurrently (flatmap, filter, foreach): a record
    whose callback returned a future holds back the ones behind it, up to _MAX_OUTSTANDING of them."""

    def __init__(self, run, nxt, f):
        self.run, self.nxt, self.f = run, nxt, f
        # records waiting to go out, in input order: [cell or None, record, value]
        self.q = _collections.deque()

    def _call(self, r):
        return self.f(r)

    def _out(self, r, v):
        self.nxt.push(v)

    def push(self, r):
        try:
            v = self._call(r)
        except BaseException as e:
            _fail(self.run, e)
            return
        if type(v) is _GearsFuture:
            self.q.append([_returned(self.run, v), r, None])
        elif not self.q:
            self._out(r, v)
            return
        else:
            self.q.append([None, r, v])
        self._drain()
        if len(self.q) >= _MAX_OUTSTANDING:
            self._room()

    def _room(self):
        self._drain()
        if len(self.q) >= _MAX_OUTSTANDING:
            raise _Suspend(self._room)

    def _drain(self):
        q = self.q
        while q:
            cell, r, v = q[0]
            if cell is not None and not cell.done:
                return
            q.popleft()
            try:
                if cell is None:
                    self._out(r, v)
                else:
                    _outcome_of(self.run, cell, lambda x: self._out(r, x))
            except _Suspend as s:
                s.conts.append(self._drain)
                raise

    def flush(self):
        try:
            self._drain()
        except _Suspend as s:
            s.conts.append(self.flush)
            raise
        if self.q:
            raise _Suspend(self.flush)
        self.nxt.flush()


class _FlatMap(_Map):
    def _out(self, r, res):
        if isinstance(res, list):
            # the original emits list elements last to first
            _emit(self.nxt, res[::-1], None)
        else:
            self.nxt.push(res)


class _Filter(_Map):
    def _call(self, r):
        keep = self.f(r)
        return keep if type(keep) is _GearsFuture else bool(keep)

    def _out(self, r, keep):
        if keep:
            self.nxt.push(r)


class _ForEach(_Map):
    def _out(self, r, v):
        self.nxt.push(r)


class _Accumulate:
    def __init__(self, run, nxt, f):
        self.run, self.nxt, self.f = run, nxt, f
        self.acc = None
        self.seen = False

    def push(self, r):
        try:
            acc = self.f(self.acc, r)
            if type(acc) is _GearsFuture:
                raise _park(self.run, acc, self._set)
            self.acc = acc
            self.seen = True
        except _Suspend:
            raise
        except BaseException as e:
            # a failing accumulator is discarded; later records start a fresh one
            self.acc = None
            self.seen = False
            _fail(self.run, e)

    def _set(self, acc):
        self.acc = acc
        self.seen = True

    def flush(self):
        if self.seen:
            acc, self.acc, self.seen = self.acc, None, False
            try:
                self.nxt.push(acc)
            except _Suspend as s:
                s.conts.append(self.nxt.flush)
                raise
        self.nxt.flush()


class _GroupBy:
    """extractkey + accumulatebykey (localgroupby, groupby)."""

    def __init__(self, run, nxt, e, f):
        self.run, self.nxt, self.e, self.f = run, nxt, e, f
        self.groups = {}

    def push(self, r):
        try:
            k = _no_async(self.e, r)
            if not isinstance(k, str):
                k = repr(k)
        except BaseException as ex:
            _fail(self.run, ex)
            return
        try:
            acc = self.f(k, self.groups.get(k), r)
            if type(acc) is _GearsFuture:
                raise _park(self.run, acc, lambda v: self.groups.__setitem__(k, v))
            self.groups[k] = acc
        except _Suspend:
            raise
        except BaseException as ex:
            self.groups.pop(k, None)
            _fail(self.run, ex)

    def flush(self):
        groups, self.groups = self.groups, {}
        _emit(self.nxt, [{'key': k, 'value': v} for k, v in groups.items()], self.nxt.flush)
        self.nxt.flush()


class _BatchGroupBy:
    def __init__(self, run, nxt, e, f):
        self.run, self.nxt, self.e, self.f = run, nxt, e, f
        self.groups = {}

    def push(self, r):
        try:
            k = _no_async(self.e, r)
            if not isinstance(k, str):
                k = repr(k)
        except BaseException as ex:
            _fail(self.run, ex)
            return
        lst = self.groups.get(k)
        if lst is None:
            self.groups[k] = [r]
        else:
            lst.append(r)

    def flush(self):
        groups, self.groups = self.groups, {}
        # groups come out in reverse order of their first appearance
        self._reduce(list(groups.items())[::-1], True)
        self.nxt.flush()

    def _reduce(self, items, flush_after):
        for i, (k, lst) in enumerate(items):
            try:
                v = _no_async(self.f, k, lst)
            except BaseException as ex:
                _fail(self.run, ex)
                continue
            try:
                self.nxt.push({'key': k, 'value': v})
            except _Suspend as s:
                rest = items[i + 1:]
                if rest:
                    s.conts.append(lambda: self._reduce(rest, False))
                if flush_after:
                    s.conts.append(self.nxt.flush)
                raise


class _Repartition:
    """Standalone: the extractor still runs for every record (its errors count), records pass unchanged."""

    def __init__(self, run, nxt, e):
        self.run, self.nxt, self.e = run, nxt, e

    def push(self, r):
        try:
            k = _no_async(self.e, r)
            if not isinstance(k, str):
                repr(k)
        except BaseException as ex:
            _fail(self.run, ex)
            return
        self.nxt.push(r)

    def flush(self):
        self.nxt.flush()


class _Limit:
    def __init__(self, run, nxt, length, start):
        self.run, self.nxt = run, nxt
        self.lo, self.hi = start, start + length
        self.pos = 0

    def push(self, r):
        p = self.pos
        self.pos += 1
        if p >= self.hi:
            # past the window: stop pulling (one extra upstream record was consumed, as in the original)
            self.run.stop = True
            return
        if p >= self.lo:
            self.nxt.push(r)

    def flush(self):
        self.nxt.flush()


# ---------------------------------------------------------------- GearsBuilder

READERS = ('KeysReader', 'KeysOnlyReader', 'StreamReader', 'PythonReader', 'ShardsIDReader', 'CommandReader')


def _check_fn(op, f, what=None):
    if not isinstance(f, _types.FunctionType):
        raise error('%s argument must be a function' % (what or op))


def _positional(op, args, kwargs, n):
    if kwargs:
        raise TypeError('%s() takes no keyword arguments' % op)
    if len(args) != n:
        raise error('wrong number of args to %s function' % op)


class GearsBuilder:
    def __init__(self, reader='KeysReader', defaultArg='*', desc=None):
        if not isinstance(reader, str):
            raise error('reader argument must be a string')
        if reader not in READERS:
            raise error('The given reader does not exists')
        if desc is not None and not isinstance(desc, str):
            raise error('desc argument must be a string')
        if _mode() != 'load':
            _host.next_plan()
        self.reader = reader
        self.defaultArg = defaultArg
        self.desc = desc
        self._descs = [('map', 'RedisGearsPy_ToPyRecordMapper', '')]
        self._ops = []

    def _add(self, descs, op):
        base = len(self._descs)
        self._descs.extend(descs)
        if op is not None:
            self._ops.append((base, op))
        return self

    # ---- core operations (positional arguments, Python function objects only)

    def map(self, *args, **kwargs):
        _positional('map', args, kwargs, 1)
        f = args[0]
        _check_fn('map', f)
        return self._add([('map', 'RedisGearsPy_PyCallbackMapper', str(f))],
                         lambda run, nxt, i: _Map(run, nxt, _timed(run, i, _awaiting(f))))

    def flatmap(self, *args, **kwargs):
        _positional('flatmap', args, kwargs, 1)
        f = args[0]
        _check_fn('flatmap', f)
        return self._add([('map', 'RedisGearsPy_PyCallbackFlatMapper', str(f)), ('flatmap', 'flatmap', '')],
                         lambda run, nxt, i: _FlatMap(run, nxt, _timed(run, i, _awaiting(f))))

    def filter(self, *args, **kwargs):
        _positional('filter', args, kwargs, 1)
        f = args[0]
        _check_fn('filter', f)
        return self._add([('filter', 'RedisGearsPy_PyCallbackFilter', str(f))],
                         lambda run, nxt, i: _Filter(run, nxt, _timed(run, i, _awaiting(f))))

    def foreach(self, *args, **kwargs):
        _positional('foreach', args, kwargs, 1)
        f = args[0]
        _check_fn('foreach', f)
        return self._add([('foreach', 'RedisGearsPy_PyCallbackForEach', str(f))],
                         lambda run, nxt, i: _ForEach(run, nxt, _timed(run, i, _awaiting(f))))

    def accumulate(self, *args, **kwargs):
        _positional('accumulate', args, kwargs, 1)
        f = args[0]
        _check_fn('accumulate', f)
        return self._add([('accumulate', 'RedisGearsPy_PyCallbackAccumulate', str(f))],
                         lambda run, nxt, i: _Accumulate(run, nxt, _timed(run, i, _awaiting(f))))

    def _groupby(self, op, args, kwargs, repartition):
        _positional(op, args, kwargs, 2)
        e, f = args
        _check_fn(op, e, 'groupby extractor')
        _check_fn(op, f, 'groupby reducer')
        descs = [('extractkey', 'RedisGearsPy_PyCallbackExtractor', str(e))]
        if repartition:
            descs.append(('repartition', 'repartition', ''))
        descs.append(('accumulatebykey', 'RedisGearsPy_PyCallbackAccumulateByKey', str(f)))
        descs.append(('map', 'RedisGearsPy_ToPyRecordMapper', ''))
        reducer_at = len(descs) - 2
        return self._add(descs, lambda run, nxt, i: _GroupBy(run, nxt, _timed(run, i, e),
                                                             _timed(run, i + reducer_at, f)))

    def localgroupby(self, *args, **kwargs):
        return self._groupby('groupby', args, kwargs, False)

    def groupby(self, *args, **kwargs):
        return self._groupby('groupby', args, kwargs, True)

    def batchgroupby(self, *args, **kwargs):
        _positional('batchgroupby', args, kwargs, 2)
        e, f = args
        # the original validates the extractor only; a bad reducer fails when it is called
        _check_fn('batchgroupby', e, 'batchgroupby extractor')
        return self._add([('extractkey', 'RedisGearsPy_PyCallbackExtractor', str(e)),
                          ('repartition', 'repartition', ''), ('group', 'group', ''),
                          ('reduce', 'RedisGearsPy_PyCallbackReducer', str(f)),
                          ('map', 'RedisGearsPy_ToPyRecordMapper', '')],
                         lambda run, nxt, i: _BatchGroupBy(run, nxt, _timed(run, i, e), _timed(run, i + 3, f)))

    def collect(self, *args, **kwargs):
        _positional('collect', args, kwargs, 0)
        return self._add([('collect', 'collect', '')], None)

    def repartition(self, *args, **kwargs):
        _positional('repartition', args, kwargs, 1)
        f = args[0]
        _check_fn('repartition', f)
        return self._add([('extractkey', 'RedisGearsPy_PyCallbackExtractor', str(f)),
                          ('repartition', 'repartition', ''), ('map', 'GetValueMapper', '')],
                         lambda run, nxt, i: _Repartition(run, nxt, _timed(run, i, f)))

    def limit(self, *args, **kwargs):
        if kwargs:
            raise TypeError('limit() takes no keyword arguments')
        if len(args) == 0 or len(args) > 2:
            raise error('wrong number of args to limit function')
        for a in args:
            if not isinstance(a, int):
                raise error('limit argument must be a number')
        length = int(args[0])
        start = int(args[1]) if len(args) > 1 else 0
        return self._add([('limit', 'limit', '')], lambda run, nxt, i: _Limit(run, nxt, length, start))

    # ---- sugar (expanded exactly as the original does, quirks included)

    def aggregate(self, zero, seqOp, combOp):
        self.accumulate(lambda a, r: seqOp(a if a else _copy.deepcopy(zero), r))
        self.collect()
        return self.accumulate(lambda a, r: combOp(a if a else _copy.deepcopy(zero), r))

    def aggregateby(self, extractor, zero, seqOp, combOp):
        self.localgroupby(lambda x: extractor(x), lambda k, a, r: seqOp(k, a if a else _copy.deepcopy(zero), r))
        return self.groupby(lambda r: r['key'], lambda k, a, r: combOp(k, a if a else _copy.deepcopy(zero), r['value']))

    def __localAggregateby__(self, extractor, zero, aggregator):
        return self.localgroupby(lambda x: extractor(x),
                                 lambda k, a, r: aggregator(k, a if a else _copy.deepcopy(zero), r))

    def count(self):
        self.accumulate(lambda a, r: 1 + (a if a else 0))
        self.collect()
        return self.accumulate(lambda a, r: r + (a if a else 0))

    def countby(self, extractor=lambda x: x):
        return self.aggregateby(extractor, 0, lambda k, a, r: 1 + a, lambda k, a, r: r + a)

    def avg(self, extractor=lambda x: float(x)):
        self.map(extractor)
        self.aggregate((0, 0), lambda a, r: (a[0] + r, a[1] + 1), lambda a, r: (a[0] + r[0], a[1] + r[1]))
        return self.map(lambda x: x[0] / x[1])

    def sort(self, reverse=True):
        self.aggregate([], lambda a, r: a + [r], lambda a, r: a + r)
        self.map(lambda r: sorted(r, reverse=reverse))
        return self.flatmap(lambda r: r)

    def distinct(self):
        self.aggregate(set(), lambda a, r: a | set([r]), lambda a, r: a | r)
        return self.flatmap(lambda x: list(x))

    # ---- actions

    def run(self, arg=None, convertToStr=True, collect=True, **kwargs):
        if self.reader == 'CommandReader':
            raise error('Given reader do not support run or not exists')
        if convertToStr:
            self.map(lambda x: str(x))
        if collect:
            self.collect()
        arg = arg if arg else self.defaultArg
        reader, rargs = _reader_args(self.reader, arg, kwargs)
        return _start(self, reader, rargs)

    def register(self, prefix='*', convertToStr=True, collect=True, **kwargs):
        if self.reader in ('KeysOnlyReader', 'ShardsIDReader', 'PythonReader'):
            raise error('given reader does not exists or does not support register')
        if 'regex' in kwargs:
            _host.log('warning', 'GEARS: regex argument is deprecated, use prefix instead')
            prefix = kwargs['regex']
        st = _state
        loading = st is not None and st.mode == 'load'
        mode = kwargs.get('mode', 'async')
        if not isinstance(mode, str):
            raise error('execution mode must be a string')
        if mode not in ('sync', 'async', 'async_local'):
            raise error('unknown execution mode')
        on_reg = kwargs.get('onRegistered', None)
        if on_reg is not None and not isinstance(on_reg, _types.FunctionType):
            raise error('OnRegistered argument must be a function')
        if self.reader == 'KeysReader':
            args = _keys_register_args(prefix, kwargs, st, loading)
        elif self.reader == 'StreamReader':
            args = _stream_register_args(prefix, mode, kwargs)
        else:
            args = _command_register_args(mode, kwargs, st, loading)
        if convertToStr:
            self.map(lambda x: str(x))
        if collect:
            self.collect()
        plan = (list(self._descs), list(self._ops))
        desc = [self.reader, mode, self.desc, on_reg is not None, [list(d) for d in self._descs], args]
        if loading:
            # the k-th register() call of the script is the k-th stored registration of the session
            if st.ordinal >= len(st.load):
                return SHARD_ID + '-0'
            number = st.load[st.ordinal]
            st.ordinal += 1
            if number >= 0:
                st.plans[number] = plan
                st.onreg[number] = on_reg
            return SHARD_ID + '-' + str(number)
        number = _host.take_plan()
        if st is not None and st.mode == 'script':
            st.regs.append([number, st.ordinal] + desc)
            st.ordinal += 1
            st.plans[number] = plan
            st.onreg[number] = on_reg
        elif st is not None and st.mode == 'exec' and st.session is not None:
            # from inside an execution: registered at once, attached to the execution's session
            sess = _sessions.get(st.session)
            err = _host.register_now(st.session, [number, -1] + desc, _dump_plan(plan, on_reg))
            if err is not None:
                raise error(err)
            if sess is not None:
                sess.plans[number] = plan
                sess.onreg[number] = on_reg
        else:
            raise error('Can not register outside of a script or an execution')
        return SHARD_ID + '-' + str(number)


GB = GearsBuilder


# ---------------------------------------------------------------- register() arguments (spec readers.md)

_KEY_TYPES = ('string', 'hash', 'list', 'set', 'zset', 'stream', 'module', 'empty')


def _str_list(v, not_iterable, not_string):
    if v is None:
        return None
    try:
        items = list(v)
    except TypeError:
        raise error(not_iterable)
    for x in items:
        if not isinstance(x, str):
            raise error(not_string)
    return items


def _keys_register_args(prefix, kwargs, st, loading):
    if not isinstance(prefix, str):
        raise error('regex argument must be a string')
    events = _str_list(kwargs.get('eventTypes', None), 'given eventTypes is not iterable', 'given event type is not string')
    types = _str_list(kwargs.get('keyTypes', None), 'given keyTypes is not iterable', 'given key type is not string')
    if types is not None:
        for t in types:
            if t not in _KEY_TYPES:
                raise error('unknown key type')
    read_value = kwargs.get('readValue', True)
    if not isinstance(read_value, bool):
        raise error('readValue is not boolean')
    commands = _str_list(kwargs.get('commands', None), 'given commands is not iterable', 'given command type is not string')
    if commands is not None and len(commands) == 0:
        commands = None
    if commands is not None and not loading:
        if prefix == '':
            raise error('Empty perfix given to command hooker')
        for c in commands:
            err = _host.check_register('commands', c, _replacing(st), False)
            if err is not None:
                raise error(err)
    return [prefix, events, types, read_value, commands]


def _number_arg(v, msg):
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise error(msg)
    return int(v)


def _stream_register_args(prefix, mode, kwargs):
    if not isinstance(prefix, str):
        raise error('regex argument must be a string')
    batch = _number_arg(kwargs.get('batch', 1), 'batch argument must be a number')
    duration = _number_arg(kwargs.get('duration', 0), 'duration argument must be a number')
    policy = kwargs.get('onFailedPolicy', 'continue')
    if not isinstance(policy, str):
        raise error('onFailedPolicy must be a string (Continue/Abort/Retry)')
    policy = policy.lower()
    if policy not in ('continue', 'abort', 'retry'):
        raise error('onFailedPolicy must be Continue/Abort/Retry')
    if mode == 'sync' and policy != 'continue':
        raise error('ExecutionMode sync can only be combined with OnFailedPolicy Continue')
    retry = _number_arg(kwargs.get('onFailedRetryInterval', 1), 'retryInterval argument must be a number')
    trim = kwargs.get('trimStream', True)
    if not isinstance(trim, bool):
        raise error('pyTrimmStream argument must be a boolean')
    return [prefix, batch, duration, policy, retry, trim]


def _command_register_args(mode, kwargs, st, loading):
    trigger = kwargs.get('trigger', None)
    hook = kwargs.get('hook', None)
    keyprefix = kwargs.get('keyprefix', None)
    inorder = kwargs.get('inorder', False)
    if trigger is not None and not isinstance(trigger, str):
        raise error('trigger argument is not string')
    if hook is not None and not isinstance(hook, str):
        raise error('hook argument is not string')
    if keyprefix is not None and not isinstance(keyprefix, str):
        raise error('keyprefix argument is not string')
    if not isinstance(inorder, bool):
        raise error('inorder argument is be boolean')
    if trigger is not None and (hook is not None or keyprefix is not None):
        raise error('trigger argument can not be given with keyprefix or hook')
    if trigger is None and hook is None:
        raise error('no trigger or hook argument was given')
    if not loading:
        if trigger is not None:
            if st is not None and st.mode == 'script':
                for r in st.regs:
                    if r[2] == 'CommandReader' and r[7][0] == trigger:
                        raise error('trigger already registered in this session')
            err = _host.check_register('trigger', trigger, _replacing(st), False)
        else:
            err = _host.check_register('hook', hook, _replacing(st), keyprefix is not None)
            if err is None and st is not None and st.mode == 'script':
                for r in reversed(st.regs):
                    if r[2] == 'CommandReader' and r[7][1] is not None and r[7][1].lower() == hook.lower():
                        if r[3] != 'sync':
                            err = 'Can not override a none sync registration which already created on this session'
                        break
        if err is not None:
            raise error(err)
    return [trigger, hook, keyprefix, inorder]


def _replacing(st):
    return None if st is None else st.replacing


# ---------------------------------------------------------------- sessions of this context

class _Session:
    """A session's copy in this context: its globals, the plans of its registrations and their onRegistered."""

    def __init__(self, sid, g):
        self.sid = sid
        self.g = g
        self.plans = {}
        self.onreg = {}


_sessions = {}
# the session of the script that ran last, until Java says whether its registrations were applied
_last_script = None


def commit_script(serial_ok):
    """Java applied (or refused) the registrations of the script that just ran on this worker."""
    global _last_script
    st, g = _last_script
    _last_script = None
    if not serial_ok:
        return
    s = _Session(st.session, g)
    s.plans.update(st.plans)
    s.onreg.update(st.onreg)
    _sessions[st.session] = s


def drop_session(sid):
    _sessions.pop(sid, None)


def load_session(code, sid, numbers, plans):
    """Gives this context a session's callables back: re-evaluates its script with run() suppressed, execute()
    reading only, and the k-th register() call bound to stored registration numbers[k]; registrations created
    inside executions come back from their pickled plans. Returns an error string or None."""
    global _state
    st = _State('load', sid)
    st.load = list(numbers)
    g = session_globals()
    err = None
    if code:
        _state = st
        try:
            exec(_compiled(code), g)
        except BaseException as e:
            if _host.stopping():
                raise
            err = format_error(e)
        finally:
            _state = None
    s = _Session(sid, g)
    s.plans.update(st.plans)
    s.onreg.update(st.onreg)
    for number, blob in list(plans):
        try:
            plan, on_reg = _load_plan(blob.encode('latin-1') if isinstance(blob, str) else bytes(blob), g)
            s.plans[number] = plan
            s.onreg[number] = on_reg
        except BaseException as e:
            if err is None:
                err = format_error(e)
    _sessions[sid] = s
    return err


def on_registered(sid, number):
    """Calls a registration's onRegistered callback here; errors are only logged (spec readers.md)."""
    s = _sessions.get(sid)
    f = None if s is None else s.onreg.get(number)
    if f is None:
        return
    global _state
    st = _State('exec', sid)
    _state = st
    try:
        r = f()
        if isinstance(r, _types.CoroutineType):
            r.close()
            _host.log('warning', 'GEARS: Coroutines are not allow on onRegistered callback')
    except BaseException as e:
        if _host.stopping():
            raise
        _host.log('warning', 'GEARS: onRegistered callback failed: ' + format_error(e))
    finally:
        _state = None


def has_plan(sid, number):
    s = _sessions.get(sid)
    return s is not None and number in s.plans


# ---------------------------------------------------------------- plans by value (registrations made by executions)
# Functions are pickled by value: marshal of the code object (stack.md section 11), closure cells, defaults and
# the globals they name that are plain values; on load they are bound to the session's globals of the loading
# context. GraalPy's marshal format is tied to its version, which is stored with the payload.

import marshal as _marshal
import pickle as _pickle
import io as _io
import importlib as _importlib

_unpickle_globals = None


def _fn_names(code, out):
    out.update(code.co_names)
    for c in code.co_consts:
        if isinstance(c, _types.CodeType):
            _fn_names(c, out)
    return out


class _PlanPickler(_pickle.Pickler):
    def __init__(self, f):
        super().__init__(f, protocol=4)
        self.active = set()

    def reducer_override(self, obj):
        if isinstance(obj, _types.FunctionType):
            if id(obj) in self.active:
                return NotImplemented
            self.active.add(id(obj))
            g = obj.__globals__
            own = g is globals()
            captured = {}
            if not own:
                for n in _fn_names(obj.__code__, set()):
                    v = g.get(n, _MISSING)
                    if v is _MISSING or n in _BASE or n.startswith('__'):
                        continue
                    if isinstance(v, _types.FunctionType) and id(v) in self.active:
                        continue
                    if isinstance(v, (_types.ModuleType, _types.FunctionType, int, float, str, bytes, bool,
                                      tuple, list, dict, set, frozenset, type(None))):
                        captured[n] = v
            cells = None
            if obj.__closure__ is not None:
                cells = []
                for c in obj.__closure__:
                    try:
                        cells.append((True, c.cell_contents))
                    except ValueError:
                        cells.append((False, None))
            return (_mk_fn, (_marshal.dumps(obj.__code__), own, obj.__name__, obj.__qualname__, obj.__defaults__,
                             cells, captured))
        if isinstance(obj, _types.ModuleType):
            return (_importlib.import_module, (obj.__name__,))
        if isinstance(obj, _types.CodeType):
            return (_marshal.loads, (_marshal.dumps(obj),))
        return NotImplemented


_MISSING = object()


def _mk_fn(code, own, name, qualname, defaults, cells, captured):
    g = globals() if own else _unpickle_globals
    for k, v in captured.items():
        g.setdefault(k, v)
    closure = None
    if cells is not None:
        closure = tuple(_types.CellType(v) if full else _types.CellType() for full, v in cells)
    f = _types.FunctionType(_marshal.loads(code), g, name, defaults, closure)
    f.__qualname__ = qualname
    return f


def _dump_plan(plan, on_reg):
    buf = _io.BytesIO()
    try:
        _PlanPickler(buf).dump((_sys.version, plan[0], plan[1], on_reg))
    except BaseException as e:
        raise error('Error occured when serialized a python callback, callback=%s error=%s'
                    % (getattr(e, 'callback', 'plan'), e))
    return buf.getvalue().decode('latin-1')


def _load_plan(blob, g):
    global _unpickle_globals
    _unpickle_globals = g
    try:
        version, descs, ops, on_reg = _pickle.loads(blob)
    finally:
        _unpickle_globals = None
    if version != _sys.version:
        raise error('the registration was serialized by another Python version (%s)' % version)
    return (descs, ops), on_reg


# ---------------------------------------------------------------- running a registration's execution

def run_registration(sid, number, exec_number, kind, inp, allow_async):
    """Runs one execution of registration `number` of session `sid` on this thread; returns `outcome(run)`-like
    data, or an error string when this context does not have the plan."""
    s = _sessions.get(sid)
    plan = None if s is None else s.plans.get(number)
    if plan is None:
        return 'the callables of registration %s are not available' % (SHARD_ID + '-' + str(number))
    descs, ops = plan
    run = _Run.__new__(_Run)
    run.descs = descs
    run.ops = ops
    if kind in ('keys', 'keys-linked'):
        run.reader = 'KeysEvent'
        # a sync execution's key was read by Java already (the 4th element)
        run.args = (inp[0], inp[1], bool(inp[2]), inp[3] if len(inp) > 3 else None)
    elif kind in ('args', 'hook'):
        # the trigger's or command's strings: one list record
        run.reader = 'Records'
        run.args = ([list(inp)],)
    else:
        run.reader = 'Records'
        run.args = (inp,)
    run.number = exec_number
    run.id = SHARD_ID + '-' + str(exec_number)
    run.results = []
    run.errors = []
    run.stop = False
    run.prof = False
    run.step_ns = [0] * len(descs)
    run.read_ns = 0
    run.done = False
    run.session = sid
    st = _State('exec', sid)
    st.number = exec_number
    st.reg = number
    st.allow_async = allow_async
    st.hook = kind == 'hook'
    st.linked = kind == 'keys-linked'
    st.can_park = allow_async and _host.can_park()
    if run_pipeline(run, st):
        return True
    if not run.errors and not run.prof:
        # the common outcomes in a form cheaper to hand over: nothing at all, or only the results (RESP strings)
        if not run.results:
            return None
        return [_result_resp(r) for r in run.results]
    return outcome(run)


def _result_resp(r):
    if type(r) is str and r.isascii() and (len(r) < 2 or (r[0] != '+' and r[0] != '-')):
        # to_resp's bulk string without the bytes round trip (ASCII: its UTF-8 bytes are its latin-1 text)
        return '$' + str(len(r)) + '\r\n' + r + '\r\n'
    try:
        return to_resp(r)
    except BaseException:
        return to_resp('PY RECORD')


def _mode_arg(kwargs):
    mode = kwargs.get('mode', 'async')
    if not isinstance(mode, str):
        raise error('execution mode must be a string')
    if mode not in ('async', 'async_local'):
        raise error('unknown execution mode')
    return mode


def createKeysOnlyReader(pattern='*', count=1000, noScan=False, patternGenerator=None):
    def keysOnlyReader():
        p, exact = pattern, noScan
        if patternGenerator is not None:
            p, exact = patternGenerator()
        if exact:
            try:
                if execute('EXISTS', p) == 1:
                    yield p
            except Exception:
                pass
            return
        cursor = '0'
        while True:
            cursor, keys = execute('SCAN', cursor, 'MATCH', p, 'COUNT', str(count))
            for k in keys:
                yield k
            if cursor == '0':
                break

    return keysOnlyReader


def _shards_id_reader():
    # standalone: RG.INFOCLUSTER answers 'no cluster mode', which the original maps to '1'
    yield '1'


def _reader_args(reader, arg, kwargs):
    if reader == 'KeysReader':
        _mode_arg(kwargs)
        if not isinstance(arg, str):
            raise error('regex argument must be a string')
        no_scan = kwargs.get('noScan', False)
        if not isinstance(no_scan, bool):
            raise error('exactMatch value is not boolean')
        read_value = kwargs.get('readValue', True)
        if not isinstance(read_value, bool):
            raise error('readValue value is not boolean')
        return 'KeysReader', (arg, no_scan, read_value)
    if reader == 'StreamReader':
        _mode_arg(kwargs)
        if not isinstance(arg, str):
            raise error('regex argument must be a string')
        from_id = kwargs.get('fromId', '0-0')
        if not isinstance(from_id, str):
            raise error('fromId argument must be a string')
        return 'StreamReader', (arg, from_id)
    if reader == 'KeysOnlyReader':
        # every keyword goes to the generator factory: unknown ones are a TypeError (a quirk of the original)
        return 'PythonReader', (createKeysOnlyReader(arg, **kwargs),)
    if reader == 'ShardsIDReader':
        _mode_arg(kwargs)
        return 'PythonReader', (_shards_id_reader,)
    _mode_arg(kwargs)
    if not isinstance(arg, _types.FunctionType):
        raise error('pyreader argument must be a function')
    return 'PythonReader', (arg,)


class _Finished:
    """What run() returns: awaitable, resolving to [results, errors]."""

    def __init__(self, value):
        self.value = value

    def __await__(self):
        return self.value
        yield

    def __repr__(self):
        return '<gears run %s>' % (self.value,)


class _Pending:
    """run() at the top level of a script: the execution starts once the script body finished."""

    def __init__(self, run):
        self.run = run

    def __await__(self):
        raise error('can not await an execution started by the script body')
        yield


def _start(builder, reader, rargs):
    run = _Run(builder, reader, rargs)
    st = _state
    if st is not None and st.mode == 'load':
        # the script's run() already ran when the script was executed: re-evaluation only wants the callables
        return _Pending(run)
    run.session = None if st is None else st.session
    if st is not None and st.mode == 'script':
        if st.pending is not None:
            raise error('Can not run more then 1 executions in a single script')
        _host.create_execution(run, False)
        st.pending = run
        return _Pending(run)
    # from inside an execution (or a coroutine): run it now, on this thread, and drop it when done
    _host.create_execution(run, True)
    outer = _state
    try:
        _host.execution_started(run.number)
        run_pipeline(run)
    finally:
        globals()['_state'] = outer
    _host.nested_finished(run.number, run.errors)
    return _Finished([run.results, run.errors])


# ---------------------------------------------------------------- running an execution

def _reader_iter(run):
    name = run.reader
    if name == 'KeysReader':
        pattern, no_scan, read_value = run.args
        if no_scan:
            flat, cursor = _host.keys(pattern, 0, read_value, True)
            yield from _keys_records(flat, read_value)
            return
        cursor = 0
        while True:
            flat, cursor = _host.keys(pattern, cursor, read_value, False)
            yield from _keys_records(flat, read_value)
            if cursor == 0:
                return
    elif name == 'KeysEvent':
        key, event, read_value, flat = run.args
        if flat is None:
            flat, cursor = _host_keys(key, 0, read_value, True)
        for r in _keys_records(flat, read_value):
            r['event'] = event
            yield r
    elif name == 'Records':
        yield from run.args[0]
    elif name == 'StreamReader':
        key, last = run.args
        while last is not None:
            recs, last = _host.stream(key, last)
            yield from recs
    else:
        gen = run.args[0]()
        if not isinstance(gen, _types.GeneratorType):
            raise error('PythonReader function must return a generator')
        nanos = _host.nanos
        while True:
            t = nanos()
            try:
                r = next(gen)
            except StopIteration:
                run.read_ns += nanos() - t
                return
            run.read_ns += nanos() - t
            yield r


def _build(run):
    sink = _Results(run)
    for base, op in reversed(run.ops):
        sink = op(run, sink, base)
    return sink


def _drive(run, head, it):
    try:
        for r in it:
            try:
                head.push(r)
            except _Suspend as s:
                # the reader generator stays open: resuming reads on from where it stopped
                s.conts.append(lambda: _drive(run, head, it))
                raise
            if run.stop:
                break
    except _Suspend:
        raise
    except _FlatError as e:
        run.errors.append(str(e.msg))
    except BaseException as e:
        if _host.stopping():
            raise
        run.errors.append(format_error(e))
    head.flush()


def run_pipeline(run, st=None, park=False):
    """Runs the execution on this thread; results and errors land in `run`. Returns True when a record
    suspended (the execution is parked until its future completes), else False. `park`: a top-level run()
    execution, which may suspend like a registration's (a nested run() is waited for inline)."""
    global _state
    if st is None:
        st = _State('exec', run.session)
        st.number = run.number
        st.allow_async = True
        st.can_park = park and _host.can_park()
    _state = st
    run.prof = _profile_for(run)
    try:
        head = _build(run)
        try:
            _drive(run, head, _reader_iter(run))
        except _Suspend as s:
            _parked[run.number] = (run, st, s.conts)
            return True
    finally:
        _state = None
        _profile_publish(run)
    run.done = True
    return False


def outcome(run):
    """What Java stores: results as RESP (latin-1 strings), errors, reader and step durations (ns)."""
    res = []
    for r in run.results:
        try:
            res.append(to_resp(r))
        except BaseException:
            res.append(to_resp('PY RECORD'))
    return (res, [str(e) for e in run.errors], run.read_ns, list(run.step_ns))


_code_cache = {}


def _compiled(code):
    # clients tend to send the same scripts again: reusing the code object lets GraalPy reuse compiled code
    c = _code_cache.get(code)
    if c is None:
        c = compile(code, '<string>', 'exec')
        if len(_code_cache) >= 256:
            _code_cache.pop(next(iter(_code_cache)))
        _code_cache[code] = c
    return c


def run_script(code, session_id, description, replacing):
    """Evaluates a script body in fresh session globals; returns (error or None, pending run or None, the
    descriptors of the registrations it made). The session stays pending until commit_script()."""
    global _state, _last_script
    st = _State('script', session_id)
    st.replacing = replacing
    _state = st
    g = session_globals()
    try:
        exec(_compiled(code), g)
        err = None
    except BaseException as e:
        if _host.stopping():
            raise
        err = format_error(e)
    finally:
        _state = None
    _last_script = None if err is not None else (st, g)
    return (err, st.pending, st.regs)


# ---------------------------------------------------------------- builtins of user code (runtime.md)

def _argv(args):
    """Command arguments for Java: strings, and which of them are raw bytes (latin-1 carried)."""
    argv = []
    raw = []
    for a in args:
        if isinstance(a, (bytes, bytearray)):
            argv.append(bytes(a).decode('latin-1'))
            raw.append('1')
        else:
            argv.append(str(a))
            raw.append('0')
    return argv, ''.join(raw)


def execute(*args):
    if not args:
        return []
    if not isinstance(args[0], str):
        raise error('the given command must be a string')
    argv, raw = _argv(args)
    # while a session is re-evaluated, writes are skipped: the script's writes were journaled when it ran
    return _host.execute(argv, raw, _mode() == 'load')


class _Atomic:
    def __enter__(self):
        _host.atomic_enter()
        return self

    def __exit__(self, *exc):
        _host.atomic_exit()
        return False


def atomic():
    return _Atomic()


_LEVELS = ('debug', 'verbose', 'notice', 'warning')


def log(*args, **kwargs):
    level = kwargs.pop('level', None)
    if kwargs:
        raise TypeError('log() got an unexpected keyword argument %r' % next(iter(kwargs)))
    if len(args) == 2 and level is None:
        if args[0] in _LEVELS and args[1] not in _LEVELS:
            # legacy form log(level, message)
            level, message = args
            _host.log('warning', 'GEARS: log(level, message) is deprecated, use log(message, level=level)')
        else:
            message, level = args
    elif len(args) == 1:
        message = args[0]
    else:
        raise error('log function must get a log message as input')
    if level is None:
        level = 'notice'
    if not isinstance(message, str):
        raise error('Log message must be a string')
    if not isinstance(level, str):
        raise error('Log level must be a sting (debug/verbose/notice/warning)')
    if level not in _LEVELS:
        raise error('Log level should be one of the following : debug,verbose,notice,warning')
    _host.log(level, 'GEARS: ' + message)


def configGet(*args):
    if len(args) != 1:
        raise error('get_config function must get a single key input')
    if not isinstance(args[0], str):
        raise error('get_config key must be a string')
    return _host.config_get(args[0])


def gearsConfigGet(key, default=None):
    v = configGet(key)
    return default if v is None else v


def hashtag():
    return '06S'


def flat_error(*args):
    if len(args) != 1:
        raise error('not enough arguments for time flat error')
    raise _FlatError(str(args[0]))


def isAsyncAllow():
    st = _state
    return st is not None and st.mode == 'exec' and getattr(st, 'allow_async', True)


def gearsFuture(*args):
    st = _state
    if st is None or st.mode != 'exec':
        raise error('Future object can only be created inside certain execution steps')
    if args:
        raise error('Future gets no arguments')
    if _no_async_depth[0] > 0:
        raise error('Step does not support async')
    if not getattr(st, 'allow_async', True):
        raise error('Creating async record is not allowed')
    if not getattr(st, 'can_park', False):
        raise error('gearsFuture() is not supported by Gearlog in a run() called inside an execution')
    if getattr(st, 'made', False):
        raise error('Can not create async record twice on the same step')
    st.made = True
    return _GearsFuture()


def call_next(*args):
    st = _state
    if st is None or st.mode != 'exec' or not st.hook:
        raise error('Can not get CommandHook ctx')
    argv, raw = _argv(args)
    return _host.call_next(argv, raw)


def override_reply(*args):
    st = _state
    if st is None or st.mode != 'exec' or not st.linked:
        raise error('Can not get command ctx')
    if len(args) != 1:
        raise error('Override reply must get a single argument')
    err = _host.override_reply(to_resp(args[0]))
    if err is not None:
        raise error(err)


def get_command(*args):
    st = _state
    if st is None or st.mode != 'exec' or not st.linked:
        raise error('Can not get command ctx')
    return _host.get_command()


_time_events = {}
_time_event_ids = [0]


def registerTE(*args):
    if len(args) < 2 or len(args) > 3:
        raise error('not enough arguments for time event')
    seconds, callback = args[0], args[1]
    key = args[2] if len(args) == 3 else None
    if isinstance(seconds, bool) or not isinstance(seconds, int):
        raise error('time argument must be a long')
    if not isinstance(callback, _types.FunctionType):
        raise error('callback must be a function')
    if key is not None and not isinstance(key, str):
        raise error('key name must be a string')
    if _mode() not in ('script', 'exec'):
        # re-evaluating a session's script after a restart: time events without a key are not persisted, and one
        # with a key came back with its key (which therefore exists)
        return key is None
    if key is not None:
        sid = None if _state is None else _state.session
        blob = _dump_callback(callback)
        if not _host.register_te_key(seconds, key, sid or '', blob):
            return False
        _keyed_time_events[blob] = callback
        return True
    _time_event_ids[0] += 1
    tid = _time_event_ids[0]
    _time_events[tid] = (callback, None if _state is None else _state.session)
    _host.register_te(seconds, tid)
    return True


def fire_time_event(tid):
    """Calls a time event's callback; False when it raised (the timer stops, spec runtime.md section 8)."""
    ev = _time_events.get(tid)
    if ev is None:
        return False
    return _call_time_event(ev[0], ev[1], _time_events, tid)


def _call_time_event(f, sid, cache, ckey):
    """Runs a time event's callback in its session; one that raised is logged and forgotten (`cache[ckey]`)."""
    global _state
    _state = _State('exec', sid)
    try:
        f()
        return True
    except BaseException as e:
        if _host.stopping():
            raise
        _host.log('warning', 'GEARS: time event callback failed: ' + format_error(e))
        cache.pop(ckey, None)
        return False
    finally:
        _state = None


# callbacks of time events stored in keys, by their pickled form (the form the key keeps)
_keyed_time_events = {}


def _dump_callback(f):
    buf = _io.BytesIO()
    try:
        _PlanPickler(buf).dump((_sys.version, f))
    except BaseException as e:
        raise error('Error occured when serialized a python callback, callback=%s error=%s'
                    % (getattr(f, '__name__', 'callback'), e))
    return buf.getvalue().decode('latin-1')


def fire_keyed_time_event(blob, sid):
    """Calls the callback of a time event stored in a key (unpickled into its session's globals the first time
    this context fires it); False when it raised: the timer stops (runtime.md section 8)."""
    global _unpickle_globals
    f = _keyed_time_events.get(blob)
    if f is None:
        s = _sessions.get(sid)
        _unpickle_globals = s.g if s is not None else session_globals()
        try:
            version, f = _pickle.loads(blob.encode('latin-1'))
        finally:
            _unpickle_globals = None
        if version != _sys.version:
            raise error('the time event was serialized by another Python version (%s)' % version)
        _keyed_time_events[blob] = f
    return _call_time_event(f, sid or None, _keyed_time_events, blob)


def _deprecated(old, new, f):
    def wrapper(*a, **k):
        _host.log('warning', 'GEARS: %s is deprecated, use %s instead' % (old, new))
        return f(*a, **k)

    return wrapper


_BASE = {
    'GearsBuilder': GearsBuilder, 'GB': GearsBuilder, 'execute': execute, 'atomic': atomic, 'log': log,
    'configGet': configGet, 'gearsConfigGet': gearsConfigGet, 'hashtag': hashtag, 'flat_error': flat_error,
    'isAsyncAllow': isAsyncAllow, 'gearsFuture': gearsFuture, 'call_next': call_next,
    'createFuture': createFuture, 'setFutureResults': setFutureResults,
    'setFutureException': setFutureException, 'runCoroutine': runCoroutine,
    'override_reply': override_reply, 'get_command': get_command, 'registerTE': registerTE,
    'Log': _deprecated('Log', 'log', log), 'ConfigGet': _deprecated('ConfigGet', 'configGet', configGet),
    'GearsConfigGet': _deprecated('GearsConfigGet', 'gearsConfigGet', gearsConfigGet),
}


def session_globals():
    g = dict(_BASE)
    g['__name__'] = 'not_main'
    g['__builtins__'] = builtins
    return g
