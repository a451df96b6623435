"""A student's answers read out of their running kernel by the grader's own code, and what the notebook changed in
how its cells run: used by `kzfigures grade` (after each cell) and by nbgrader's autograde (before and after each
hidden test, nbgrader_config.py).

The probe is not a cell: it goes as a Jupyter "user expression" (evaluated by the kernel after an empty, silent
execution), so no input or AST transformer the notebook installed ever sees it, and nothing of it is kept in the
notebook's history. It does not import kzfigures in the kernel (a notebook can rebind
``kzfigures.classroom.answers.plain``); it is compiled there from the text below, takes Python's types from
literals (``(0).__class__``), never from names a notebook can rebind, and writes each value with the base types'
own methods as a Python literal, which the grader reads with ``ast.literal_eval``: a value of a student's own class
arrives as what it holds, never as what its ``__repr__`` claims. The literal comes back under a mimetype of the
probe's own (MIME, by IPython's mimebundle formatter), never as text/plain: a notebook that changes how text is
shown (rich's ``%load_ext rich``, sympy's printing, a type printer of its own) grades as its plain twin.

What it cannot guarantee: it runs in the student's process. Code that sets out to defeat it (replacing the
kernel's message handling, the display formatter, or Python's objects through ctypes) can make it report anything,
and can only be caught by reading the notebook; the teacher's guide says so, and that isolation (a container per
submission, as nbgrader advises) is the only guarantee. It reads the answers from the namespace the cells run in
(the shell's ``user_ns``; a notebook that puts another dict or module in as ``user_ns`` or ``user_module`` is
trouble), taking every answer out of it by plain dict lookups before writing any out: the answers of Python's own
types are written first, then those whose writing runs the notebook's code (a property, ``tolist``, ``__repr__``),
each followed by a check that the namespace still holds the objects taken and the plain answers say the same
("reading answer_1 changed answer_3" is trouble). What it finds changed is reported as ``trouble``: input
and AST transformers, the shell's methods, the parts of the shell that run a cell (its events, display trap and
hook, compiler, display publisher, transformer manager, the kernel and its message handlers) of a class that is no
library's, with an instance attribute over a method of its class (taken out with ``reset``), or with a method of
their classes replaced by the notebook, IPython event callbacks and tracers that are not IPython's,
the kernel's, a library's or kzfigures' own (a function from anywhere else, or a callable that is no function),
kzfigures functions and builtins rebound, a display, ipython_display or mimebundle formatter of the notebook's own
(a formatter of another class than IPython's, a printer that would catch the probe's reading, or a formatter of its
mimetype, is taken out of the kernel, as ``reset`` takes out transformers). A function counts as Python's, the
kernel's, a library's or kzfigures' own only when its code is the code Python's import system makes of the file it
names (a code object can name any file, and a module object made in memory any ``__file__``): the same code object,
by ``==``, as the one of its name and first line in that file's cached byte code (``__pycache__``, when its header
says it is of the file as it is now) or, without one, in a fresh compile of its source, each file read once a
reading; a callback, handler or tracer must also be found under its name in a loaded module of that file. What the
notebook writes to disk is beyond this: a notebook that rewrites an installed library's file (or its cache) has
changed the library, and only isolation catches that; a library upgraded or edited while a notebook is graded no
longer proves the functions loaded before, so they are named as the notebook's (grade with the installation left
alone). Not looked for: callbacks on the kernel's event loop, signal
and audit hooks, finalizers, globals of a library's module rebound.

Threads: the probe reads with every other thread held off. It sets Python's switch interval (Python's own
``sys``, its C functions checked) to HOLD, lets a thread already waiting have its turn first (a short sleep), and
puts the notebook's interval back only once the reading is written out (READING's ``_repr_mimebundle_``). Reading a
library's file to prove its functions lets other threads run, so the probe reads files at the notebook's own interval
and holds again before the checks of the reading's own way out (the display formatter's), which come last and read
no file (one not read by then proves nothing): no other thread runs Python between them and the reading (a thread
busy in Python meanwhile makes a reading wait about HOLD seconds for its turn). The answers are written out before
any file is read. A thread can neither put a printer back between the probe's checks and its reading nor change
values while they are written out, so a thread of the notebook's own is not trouble: a timer waiting, a pool
left open or a progress thread changes nothing the reading sees, and what a thread changes between cells is the
notebook's state, read as a cell's is (``grade`` and nbgrader's autograde name an answer that changed while no cell
that sets it ran). Not guaranteed: a thread, like a callback on the kernel's
event loop, that rewrites an answer in the instant after the answer's own cell, before the grader reads it; with a
busy thread alongside, a reading longer than HOLD (answers of some hundred thousand items) or an answer of the
notebook's own class whose methods block while the reading calls them.
"""
from __future__ import annotations

import ast
import os
import sys
from pathlib import Path
from typing import Any

from .answers import decode

#: The key of the probe's user expression in the kernel's reply.
KEY = "kzfigures_probe"
#: The mimetype of the probe's reading: one of its own, so no display formatter a notebook installs for text (rich,
#: sympy's printing, a type printer of its own) changes the text the grader reads.
MIME = "text/x-kzfigures-probe"
#: The most characters of answers the probe writes (beyond, an answer is its words "too large").
BUDGET = 1_000_000

#: The thread switch interval (s) the probe reads under: no other thread runs Python while it reads (an exact binary
#: fraction, so a reading that did not end where the probe ends it is seen by the next).
HOLD = 0.984375

#: Compiled and run in the student's kernel (see the module's docstring); sets ``out`` to a Python literal's text.
SOURCE = r'''
def _probe(user, names, reset, roots):
    T = (0).__class__.__class__
    INT, FLOAT, STR, BOOL = (0).__class__, (0.0).__class__, ''.__class__, True.__class__
    LIST, TUPLE, DICT, SET = [].__class__, ().__class__, {}.__class__, {0}.__class__
    FUNC, BUILTIN = (lambda: 0).__class__, [].append.__class__
    MRO, PROXY = T.__dict__['__mro__'], T.__dict__.__class__
    KEYS = {}.keys().__class__
    FROZEN, DECIMAL = None, None
    for c in T.__base__.__subclasses__():
        if STR.__eq__(c.__name__, 'frozenset'):
            FROZEN = c
        elif STR.__eq__(c.__name__, 'Decimal') and getattr(PROXY.get(c.__dict__, 'is_nan'), '__objclass__', 0) is c:
            DECIMAL = c  # C's decimal (its methods are its own C methods), never a class of Python's
    left = [BUDGET]

    def isa(v, base):
        for c in MRO.__get__(T(v)):
            if c is base:
                return True
        return False

    def cut(text):
        return STR.__repr__(STR.__str__(text)[:200])

    def words(v):
        try:
            said = T(v).__repr__(v)
        except:
            said = '?'
        return "{'$repr': " + (cut(said) if isa(said, STR) else "'?'") + "}"

    def seq(tag, items, depth):
        parts = []
        for item in items:
            if left[0] < 0:
                return "{'$repr': 'too large'}"
            parts.append(enc(item, depth + 1))
        body = '[' + ', '.join(parts) + ']'
        return body if tag is None else '{' + STR.__repr__(tag) + ': ' + body + '}'

    def duck(v, depth):
        try:
            ends = [v.lower, v.upper, v.lower_open, v.upper_open]
        except:
            ends = None
        if ends is not None:
            try:
                bound = v.bound
            except:
                bound = None
            shown = [enc(ends[0], depth + 1), enc(ends[1], depth + 1), 'True' if ends[2] else 'False',
                     'True' if ends[3] else 'False', enc(bound, depth + 1)]
            return "{'$bounds': [" + ', '.join(shown) + ']}'
        try:
            listed = v.tolist
        except:
            listed = None
        if listed is not None:
            return enc(listed(), depth + 1)
        if DECIMAL is not None and isa(v, DECIMAL):  # its value, by the C class's own methods
            if DECIMAL.is_nan(v):
                return "{'$repr': 'nan'}"
            if DECIMAL.is_infinite(v):
                return '-1e999' if DECIMAL.is_signed(v) else '1e999'
            pair = DECIMAL.as_integer_ratio(v)
            return "{'$fraction': [" + INT.__repr__(pair[0]) + ', ' + INT.__repr__(pair[1]) + ']}'
        try:
            pair = [v.numerator, v.denominator]
        except:
            return words(v)
        return "{'$fraction': [" + enc(pair[0], depth + 1) + ', ' + enc(pair[1], depth + 1) + ']}'

    def enc(v, depth=0):
        if v is None or v is True or v is False:
            text = 'None' if v is None else 'True' if v is True else 'False'
        elif isa(v, INT):
            text = INT.__repr__(INT.__int__(v))
        elif isa(v, FLOAT):
            text = FLOAT.__repr__(FLOAT.__float__(v))
            text = '1e999' if text == 'inf' else '-1e999' if text == '-inf' else text
            text = "{'$repr': 'nan'}" if text == 'nan' else text
        elif isa(v, STR):
            text = STR.__repr__(STR.__str__(v)[:10000])
        elif depth > 20:
            text = "{'$repr': 'nested too deep'}"
        elif isa(v, TUPLE):
            text = seq('$tuple', TUPLE.__iter__(v), depth)
        elif isa(v, LIST):
            text = seq(None, LIST.__iter__(v), depth)
        elif isa(v, SET):
            text = seq('$set', SET.__iter__(v), depth)
        elif FROZEN is not None and isa(v, FROZEN):
            text = seq('$set', FROZEN.__iter__(v), depth)
        elif isa(v, KEYS):  # a dict's keys: a set
            text = seq('$set', KEYS.__iter__(v), depth)
        elif pure[0]:  # a dict's repr, like any other object's writing, may call the notebook's code
            impure[0] = True
            text = "{}"
        elif isa(v, DICT):
            text = words(v)
        else:
            text = duck(v, depth)
        left[0] = left[0] - STR.__len__(text)
        return text

    def outside(code_file):
        for root in roots:
            if code_file.startswith(root):
                return False
        return True

    def home(cls):
        try:
            where = DICT.get(modules, PROXY.get(cls.__dict__, '__module__'))
            named = DICT.get(where.__dict__, T.__dict__['__name__'].__get__(cls))
            return named is cls and not outside(where.__file__)
        except:
            return False

    def holds(code, inner):
        for const in code.co_consts:
            if const is inner or (T(const) is T(code) and holds(const, inner)):
                return True
        return False

    def placed(f):
        code = f.__code__
        for module in LIST(DICT.values(modules)):
            try:
                there = DICT.get(module.__dict__, '__file__')
            except:
                continue
            if T(module) is not T(sys) or T(there) is not STR or not STR.__eq__(there, code.co_filename):
                continue  # only a real module, its file named by a real string
            try:
                parts = STR.split(f.__qualname__, '.<locals>.')
                holder = module
                for name in STR.split(parts[0], '.'):
                    held = holder.__dict__
                    holder = DICT.get(held, name) if T(held) is DICT else PROXY.get(held, name)
                holder = holder if T(holder) is FUNC else getattr(holder, '__func__', holder)  # a static method
                if LIST.__len__(parts) == 1:
                    return holder is f
                return T(holder) is FUNC and holds(holder.__code__, code)
            except:
                return False
        return False

    def compiled(path):  # the code objects Python's import system makes of a file, by their (qualname, first line)
        found = DICT.get(proofs, path)
        if found is not None:
            return found
        found = {}
        if sealed[0]:
            return found
        DICT.__setitem__(proofs, path, found)
        code = None
        try:
            if None in tools or not STR.endswith(path, '.py') or STR.startswith(path, '<'):
                return found
            if was is not None:  # reading a file lets other threads run: at the notebook's own switch interval
                held[1](was)
            info = tools[0](path)
            try:  # its byte code as the import system keeps it, when the cache says it is of the file as it is now
                cut = STR.rfind(path, '/') + 1
                data = contents(path[:cut] + '__pycache__/' + path[cut:-3] + '.' + sys.implementation.cache_tag
                                + '.pyc')
                if (INT.from_bytes(data[4:8], 'little') == 0
                        and INT.from_bytes(data[8:12], 'little') == FLOAT.__int__(info.st_mtime) & 0xFFFFFFFF
                        and INT.from_bytes(data[12:16], 'little') == info.st_size & 0xFFFFFFFF):
                    code = tools[2](data[16:])
            except:
                code = None
            if T(code) is not CODE:
                code = tools[3](contents(path), path, 'exec', 0, True)
        except:
            return found
        todo = [code]
        while todo:
            code = LIST.pop(todo)
            LIST.append(DICT.setdefault(found, (code.co_qualname, code.co_firstlineno), []), code)  # two lambdas a line
            for const in code.co_consts:
                if T(const) is CODE:
                    LIST.append(todo, const)
        return found

    def contents(path):
        handle = tools[1](path, 'rb')
        try:
            return handle.read()
        finally:
            handle.close()

    def proven(f):  # a function whose code is the code the import system makes of the file its code names
        code = f.__code__
        said = DICT.get(proved, id(code))  # kept with the code itself, so its id is not another's
        if said is None or said[0] is not code:
            made = DICT.get(compiled(code.co_filename), (code.co_qualname, code.co_firstlineno), [])
            said = (code, False)
            for one in made:
                if CODE.__eq__(one, code) is True:
                    said = (code, True)
            DICT.__setitem__(proved, id(code), said)
        return said[1]

    def foreign(f):  # a function that is not Python's, the kernel's or kzfigures' own (its code names any file)
        return outside(f.__code__.co_filename) or not proven(f)

    def own(f):
        if T(f) is FUNC:  # a library's own: its file a loaded module's, itself found there, its code the file's
            return not outside(f.__code__.co_filename) and placed(f) and proven(f)
        if T(f) is METHOD:
            return own(f.__func__) and home(T(f.__self__))
        return False

    def changed(item, what):  # a part of the shell that runs cells: of a library's class, no method of it replaced
        if not home(T(item)):
            trouble.append('it replaces the shell\'s ' + what if what else 'it replaces the shell\'s class')
            return
        try:
            inner = item.__dict__
        except:
            inner = None
        for key in LIST(DICT.keys(inner)) if T(inner) is DICT else []:  # an attribute over its class's method
            for cls in MRO.__get__(T(item)):
                found = PROXY.get(cls.__dict__, key)
                try:
                    method = T(found) is FUNC or T(getattr(found, '__func__', None)) is FUNC
                except:
                    method = True
                if method and not own(DICT.get(inner, key)):
                    trouble.append('it replaces the shell\'s ' + (what + '.' if what else '') + key)
                    if reset:
                        DICT.pop(inner, key, None)
                if method:
                    break
        for cls in MRO.__get__(T(item)):  # a method of its class's replaced there
            for key, found in LIST(PROXY.items(cls.__dict__)):
                for f in (found, getattr(found, '__func__', None), getattr(found, 'fget', None),
                          getattr(found, 'fset', None)) if T(found) is not FUNC else (found,):
                    if T(f) is FUNC and foreign(f):
                        trouble.append('it changes the shell\'s ' + (what or 'methods'))

    def python(holder, module, name):  # a function of Python's own (C) found on holder, never one put in its place
        f = getattr(holder, name, None)
        if T(f) is BUILTIN and STR.__eq__(f.__name__, name) and T(f.__self__) is T(exec.__self__):
            return f if STR.__eq__(f.__self__.__name__, module) else None
        return None

    def hold(was):  # no other thread runs Python until READING is shown (see the module's docstring)
        if held[0]() != HOLD or held[3]() - since[0] > HOLD / 4:  # too little of the held time is left
            held[1](HOLD)
            held[2](min(max(was * 2, 0.001), 0.05))  # a thread that waited from before has its turn now
            since[0] = held[3]()

    trouble, SHOWN = [], 'it changes how the grader\'s reading is displayed'
    import sys
    modules = DICT.copy(sys.modules)
    held = (python(sys, 'sys', 'getswitchinterval'), python(sys, 'sys', 'setswitchinterval'),
            python(DICT.get(modules, 'time'), 'time', 'sleep'), python(DICT.get(modules, 'time'), 'time', 'monotonic'))
    since = [0.0]
    if None in held:
        trouble.append('it replaces Python\'s sys or time')
        was = None
    else:
        sys, was = held[0].__self__, held[0]()
        if was == HOLD:  # the last reading did not end where the probe ends it: something else showed it
            trouble.append(SHOWN)
            was = 0.005
        READING.back = (held[1], was)
        hold(was)
        modules = DICT.copy(sys.modules)
    shell_module = DICT.get(modules, 'IPython.core.interactiveshell')
    shell = shell_module.InteractiveShell._instance if shell_module is not None else None
    ns = user  # the namespace the cells run in: run_code's exec(code, user_module.__dict__, user_ns)
    if shell is not None:
        kept, module = shell.user_ns, DICT.get(shell.__dict__, 'user_module')  # its property (checked below)
        if T(kept) is not DICT or T(module) is not T(sys) or module.__dict__ is not kept or kept is not user:
            trouble.append('it replaces the shell\'s namespace')
            ns = kept if T(kept) is DICT else user  # where the cells' assignments go
    GONE = []
    taken = []
    for name in names:  # every answer taken out first, by dict lookups: no code of the notebook's runs yet
        taken.append(DICT.get(ns, name, GONE))
    texts, pure, impure = [], [True], [False]

    def read(at):  # one answer's text, or None if writing it would run the notebook's code while pure[0] holds
        impure[0] = False
        try:
            text = enc(None if taken[at] is GONE else taken[at])
        except:
            text = "{'$repr': 'an answer the grader could not read'}"
        return None if impure[0] else text

    count = LIST.__len__(names)
    at = 0
    while at < count:  # the answers of Python's own types first: nothing of the notebook's runs to write them
        spent = left[0]
        texts.append(read(at))
        if texts[at] is None:
            left[0] = spent
        at = at + 1
    pure[0] = False
    plain = LIST(texts)
    at = 0
    while at < count:  # then those whose writing calls the notebook's own methods (properties, tolist, __repr__)
        if texts[at] is None:
            texts[at] = read(at)
            other = 0
            while other < count:  # the namespace still holds what was taken, and the plain answers say the same
                spent, pure[0] = left[0], True
                same = DICT.get(ns, names[other], GONE) is taken[other]
                if same and plain[other] is not None and read(other) != plain[other]:
                    same = False
                left[0], pure[0] = spent, False
                if not same:
                    trouble.append('reading ' + names[at] + ' changed ' + names[other])
                other = other + 1
        at = at + 1
    answers = []
    at = 0
    while at < count:
        answers.append(STR.__repr__(names[at]) + ': ' + texts[at])
        at = at + 1
    if was is not None:
        hold(was)
    roots = roots + [sys.prefix, sys.base_prefix, sys.exec_prefix]
    METHOD = (lambda: 0).__get__(0).__class__
    CODE, proofs, proved, sealed = (lambda: 0).__code__.__class__, {}, {}, [False]
    tools = (python(DICT.get(modules, 'posix'), 'posix', 'stat'), python(DICT.get(modules, '_io'), 'io', 'open'),
             python(DICT.get(modules, 'marshal'), 'marshal', 'loads'),
             python(DICT.get(modules, 'builtins'), 'builtins', 'compile'))
    if shell is not None:
        fresh = modules['IPython.core.inputtransformer2'].TransformerManager()
        manager = shell.input_transformer_manager
        if T(manager) is not T(fresh):
            trouble.append('it replaces the shell\'s input_transformer_manager')
            if reset:
                shell.input_transformer_manager = manager = fresh
        kernel = getattr(shell, 'kernel', None)
        for item, what in ((shell, ''), (shell.events, 'events'), (shell.display_trap, 'display_trap'),
                           (shell.compile, 'compile'), (shell.displayhook, 'display hook'),
                           (shell.display_pub, 'display_pub'), (manager, 'input_transformer_manager'),
                           (kernel, 'kernel')):
            if item is not None:
                changed(item, what)
        if shell.display_trap.hook is not shell.displayhook:
            trouble.append('it replaces the shell\'s display_trap.hook')
            if reset:
                shell.display_trap.hook = shell.displayhook
        handlers = getattr(kernel, 'shell_handlers', {})
        for kind, handler in DICT.items(handlers) if T(handlers) is DICT else [('shell_handlers', None)]:
            if not own(handler):
                trouble.append('it replaces the kernel\'s handling of ' + kind)
        places = [(manager, 'cleanup_transforms', LIST(fresh.cleanup_transforms)),
                  (manager, 'line_transforms', LIST(fresh.line_transforms)),
                  (manager, 'token_transformers', LIST(fresh.token_transformers)),
                  (shell, 'input_transformers_post', []), (shell, 'ast_transformers', [])]
        for owner, what, want in places:
            kept = []
            for item in LIST(getattr(owner, what)):
                known = False
                for default in want:
                    known = known or item is default or (T(item) is T(default) and T(item) is not FUNC)
                ours = T(item) is FUNC and not foreign(item)  # IPython's or kzfigures' own
                if known or ours:
                    kept.append(item)
            if LIST.__len__(kept) != LIST.__len__(LIST(getattr(owner, what))):
                trouble.append('it installs an input transformer (' + what + ')')
                if reset:
                    getattr(owner, what)[:] = kept
        for name in ('run_cell', 'run_cell_async', 'transform_cell', 'transform_ast', 'run_ast_nodes', 'run_code',
                     'user_expressions', '_format_user_obj', 'should_run_async'):
            if name in DICT.keys(shell.__dict__):
                trouble.append('it replaces the shell\'s ' + name)
                if reset:
                    DICT.pop(shell.__dict__, name)
            for cls in MRO.__get__(T(shell)):
                found = PROXY.get(cls.__dict__, name)
                if T(found) is FUNC and foreign(found):
                    trouble.append('it replaces the shell\'s ' + name)
        events = shell.events
        kind = DICT.get(modules, 'IPython.core.events')
        if kind is None or T(events) is not kind.EventManager or T(events.callbacks) is not DICT:
            trouble.append('it replaces the shell\'s events')
        else:
            for event, listed in DICT.items(events.callbacks):
                kept = [f for f in LIST(listed) if own(f)]
                if LIST.__len__(kept) != LIST.__len__(LIST(listed)):
                    trouble.append('it registers a callback on IPython\'s ' + event + ' event')
                    if reset:
                        listed[:] = kept
    for module_name, module in DICT.items(modules):
        if not (STR.__eq__(module_name, 'kzfigures') or STR.startswith(module_name, 'kzfigures.')):
            continue
        for name, value in DICT.items(DICT.copy(module.__dict__)):
            if T(value) is FUNC and foreign(value):
                trouble.append('it rebinds ' + module_name + '.' + name)
    for name in ('gettrace', 'getprofile'):
        f = getattr(sys, name)()
        if f is not None and not own(f):  # a callable object too, not only a function
            trouble.append('it traces the code it runs (sys.set' + name[3:] + ')')
    builtins = modules['builtins']
    if DICT.get(user, '__builtins__') is not builtins:  # the probe runs with Python's own (EXPRESSION)
        trouble.append('it replaces Python\'s builtins in its namespace (__builtins__)')
    for name, value in DICT.items(DICT.copy(builtins.__dict__)):
        if T(value) is FUNC and foreign(value):
            trouble.append('it rebinds Python\'s ' + name)
    for name in ('exec', 'eval', 'compile', '__import__', 'getattr', 'isinstance', 'repr', 'print'):
        value = DICT.get(builtins.__dict__, name)
        if T(value) is not BUILTIN or value.__name__ != name:  # a builtin replaced by a callable object
            trouble.append('it rebinds Python\'s ' + name)
    kept_lessons = DICT.get(ns, 'lessons')
    if kept_lessons is not None and kept_lessons is not DICT.get(modules, 'kzfigures.classroom.lessons'):
        trouble.append('it rebinds lessons')
    if shell is not None:  # last, once every file the proofs need is read: no thread runs from these checks
        for item in (shell.display_formatter, shell.display_formatter.mimebundle_formatter,  # to the reading
                     shell.display_formatter.ipython_display_formatter):
            for cls in MRO.__get__(T(item)):
                for found in LIST(PROXY.values(cls.__dict__)):
                    if T(found) is FUNC:
                        compiled(found.__code__.co_filename)
        if was is not None:
            hold(was)
        sealed[0] = True  # a file not read by now is not read: its functions are not proven
        shown = shell.display_formatter  # the reading goes through its format, its ipython_display formatter (called
        # first: one that says it displayed the reading stops it) and its mimebundle formatter only
        fmt = modules['IPython.core.formatters']
        kinds = (('ipython_display_formatter', fmt.IPythonDisplayFormatter),
                 ('mimebundle_formatter', fmt.MimeBundleFormatter))
        for attr, kind in kinds:
            if T(getattr(shown, attr)) is not kind:  # a formatter of another class: IPython's own put back
                trouble.append(SHOWN)
                setattr(shown, attr, kind(parent=shown))
        for item, what in ((shown, ('format',)), (shown.mimebundle_formatter, ('__call__', 'lookup', 'lookup_by_type',
                                                                             '_check_return')),
                           (shown.ipython_display_formatter, ('__call__', 'lookup', 'lookup_by_type',
                                                              '_check_return'))):
            for name in what:
                if name in DICT.keys(item.__dict__):
                    trouble.append(SHOWN)
                for cls in MRO.__get__(T(item)):
                    found = PROXY.get(cls.__dict__, name)
                    if T(found) is FUNC and foreign(found):
                        trouble.append(SHOWN)
        if T(shown.formatters) is not DICT or 'MIME' in DICT.keys(shown.formatters):
            trouble.append(SHOWN)
            if T(shown.formatters) is DICT:
                DICT.pop(shown.formatters, 'MIME')  # a formatter of the probe's own mimetype would write the reading
        for attr, kind in kinds:
            try:
                getattr(shown, attr).lookup(READING)
                caught = True
            except KeyError:
                caught = False
            if caught:  # a printer for every object would catch the reading: a fresh formatter of IPython's own
                trouble.append(SHOWN)
                setattr(shown, attr, kind(parent=shown))
    READING.text = ("{'answers': {" + ', '.join(answers) + "}, 'trouble': ["
                    + ', '.join(STR.__repr__(t) for t in trouble) + ']}')
    return READING


def _shown(self, include=None, exclude=None):
    bundle = {'MIME': self.text, 'text/plain': "the grader's reading"}
    _back(self)
    return bundle


def _back(self):  # the switch interval the notebook had, put back once the reading is written
    back = {}.__class__.pop(self.__dict__, 'back', None)
    if back is not None:
        back[0](back[1])


READING = (0).__class__.__class__('GradersReading', (), {'_repr_mimebundle_': _shown})()
try:
    out = _probe(user, names, reset, roots)
except BaseException:
    _back(READING)
    raise
'''.replace("BUDGET", str(BUDGET)).replace("MIME", MIME).replace("HOLD", repr(HOLD))

#: The user expression: run SOURCE by Python's own ``exec`` (a rebound one is not called, and the probe says so).
EXPRESSION = ("(lambda g: ((1).__class__.__class__(exec) is (1).__class__.__class__([].append) "
              "and exec.__name__ == 'exec' and exec.__self__.__name__ == 'builtins' "
              "and g.__setitem__('__builtins__', exec.__self__) is None and exec(g['source'], g), g)[1].get('out'))("
              "{'user': (lambda: 0).__globals__, 'source': %r, "
              "'names': %r, 'reset': %r, 'roots': %r})")


def roots() -> list[str]:
    """The folders whose code is Python's, the kernel's and kzfigures' own (a function from anywhere else, found in
    a kzfigures module or Python's builtins, was put there by the notebook)."""
    import IPython

    found = {sys.prefix, sys.base_prefix, sys.exec_prefix, str(Path(IPython.__file__).parent),
             str(Path(__file__).resolve().parents[1]), str(Path(os.__file__).parent)}
    with_ipykernel = sys.modules.get("ipykernel")
    if with_ipykernel is not None and with_ipykernel.__file__:
        found.add(str(Path(with_ipykernel.__file__).parent))
    return sorted(str(Path(f)) + os.sep for f in found)


def expression(names: list[str], reset: bool = False) -> str:
    """The user expression that reads these answers (and, with ``reset``, restores IPython's own transformers)."""
    return EXPRESSION % (SOURCE, list(names), reset, roots())


class ProbeFailed(RuntimeError):
    """The kernel gave no reading of the answers; the message says why, in one line."""


def read_reply(reply: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The answers (decoded) and the trouble found, from the kernel's execute_reply to the probe."""
    content = reply.get("content", {})
    value = content.get("user_expressions", {}).get(KEY, {}) if isinstance(content, dict) else {}
    if not isinstance(value, dict) or value.get("status") != "ok":
        raise ProbeFailed("the notebook stopped the grader from reading its answers")
    data = value.get("data", {})
    text = data.get(MIME) if isinstance(data, dict) else None
    try:
        body = ast.literal_eval(text) if isinstance(text, str) and len(text) < 4 * BUDGET else None
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        body = None
    if not isinstance(body, dict) or not isinstance(body.get("answers"), dict):
        raise ProbeFailed("the notebook replaced what the grader reads its answers with")
    trouble = [str(t)[:120] for t in body.get("trouble", []) if isinstance(t, str)]
    return {str(k): decode(v) for k, v in body["answers"].items()}, list(dict.fromkeys(trouble))


def ask(client: Any, names: list[str], timeout: float, reset: bool = False) -> tuple[dict[str, Any], list[str]]:
    """Ask a running nbclient's kernel for the answers named (within ``timeout`` seconds): their values and the
    trouble found; ProbeFailed when it gives none, nbclient's CellTimeoutError (a TimeoutError) when it gives
    none in time."""
    from nbformat.v4 import new_code_cell

    msg_id = client.kc.execute("", silent=True, store_history=False,
                               user_expressions={KEY: expression(names, reset)}, allow_stdin=False)
    before, client.timeout = client.timeout, max(1, int(timeout))
    try:  # a cell named, as nbclient asks of a reply that times out (without one it raises AssertionError)
        reply = client.wait_for_reply(msg_id, new_code_cell("# the grader's reading of the answers"))
    finally:
        client.timeout = before
    if reply is None:
        raise ProbeFailed("its kernel stopped answering")
    return read_reply(reply)
