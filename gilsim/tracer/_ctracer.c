/* The tracer's hot callbacks in C: the same work as the closures of ``_callbacks`` in
 * ``gilsim/tracer/monitor.py``, without a Python frame per event.
 *
 * Why it exists: a program under gilsim raises a ``sys.monitoring`` event every few
 * instructions (every jump, branch, call and return), and a Python callback costs more than
 * the instructions it charges for; these C functions cost a fraction of that.  They read and
 * write the very same Python objects as the Python callbacks (the tracer's ``running``, the
 * interpreter's clock and limits, each thread's stack of frame records), so either path can
 * run any event, and the virtual times they compute are identical.  Only the common case is
 * here; every slow path (a frame not on top of the stack, a deadline, a check point that
 * finds ``eval_breaker`` set, a class call, a dear native call) calls the tracer's own
 * Python method, as the Python callbacks do.
 *
 * The cost tables of a code object (``CodeInfo.before``, ``through``, ``n_before``,
 * ``n_through``, see ``gilsim/tracer/codeinfo.py``) are copied once into C arrays
 * (``Costs``), found by the ``CodeInfo`` they were copied from.
 *
 * The fields read on every event are slots of their classes (``__slots__`` of
 * ``InterpreterState``, ``ThreadState`` and ``Tracer``): a slot's member descriptor says
 * where in the object it lives (``PyMemberDef.offset``, Include/descrobject.h), so they are
 * read and written in place, as CPython's C code reads its own thread state.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#if PY_VERSION_HEX < 0x030C0000
#include <structmember.h>
#define Py_T_OBJECT_EX T_OBJECT_EX
#endif

/* -- Costs: a CodeInfo's running sums as C arrays ------------------------------------- */

typedef struct {
    PyObject_HEAD
    PyObject *code;      /* info.code */
    PyObject *info;      /* the CodeInfo these were copied from */
    int own;             /* info.own: gilsim's own code, never charged */
    Py_ssize_t size;     /* entries in each array (len(info.before)) */
    long long *before;   /* before, through, n_before, n_through: one block of 4 * size */
    long long *through;
    long long *n_before;
    long long *n_through;
} Costs;

static void
Costs_dealloc(Costs *self)
{
    Py_XDECREF(self->code);
    Py_XDECREF(self->info);
    PyMem_Free(self->before);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyTypeObject CostsType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "gilsim.tracer._ctracer.Costs",
    .tp_basicsize = sizeof(Costs),
    .tp_dealloc = (destructor)Costs_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "A CodeInfo's running sums as C arrays.",
};

/* Interned attribute names. */
static PyObject *s_running, *s_stack, *s_instructions, *s_init_code, *s_clock_ns,
    *s_deadline_ns, *s_instruction_limit, *s_limit_ns, *s_eval_breaker, *s_machine,
    *s_code, *s_own, *s_before, *s_through, *s_n_before, *s_n_through, *s_checked_resumes,
    *s_call_args, *s_warm_calls;

static int
copy_sums(PyObject *info, PyObject *name, long long *into, Py_ssize_t size)
{
    PyObject *list = PyObject_GetAttr(info, name);
    if (list == NULL) {
        return -1;
    }
    if (!PyList_Check(list) || PyList_GET_SIZE(list) != size) {
        PyErr_SetString(PyExc_TypeError, "CodeInfo sums must be lists of one length");
        Py_DECREF(list);
        return -1;
    }
    for (Py_ssize_t i = 0; i < size; i++) {
        into[i] = PyLong_AsSsize_t(PyList_GET_ITEM(list, i));
        if (into[i] == -1 && PyErr_Occurred()) {
            Py_DECREF(list);
            return -1;
        }
    }
    Py_DECREF(list);
    return 0;
}

static Costs *
costs_new(PyObject *info)
{
    Costs *costs = PyObject_New(Costs, &CostsType);
    if (costs == NULL) {
        return NULL;
    }
    costs->info = Py_NewRef(info);
    costs->code = NULL;
    costs->before = NULL;
    costs->size = 0;
    costs->code = PyObject_GetAttr(info, s_code);
    PyObject *own = PyObject_GetAttr(info, s_own);
    PyObject *before = PyObject_GetAttr(info, s_before);
    if (costs->code == NULL || own == NULL || before == NULL) {
        goto error;
    }
    costs->own = PyObject_IsTrue(own);
    costs->size = PyList_Check(before) ? PyList_GET_SIZE(before) : 0;
    costs->before = PyMem_Calloc(4 * costs->size + 1, sizeof(long long));
    if (costs->before == NULL) {
        PyErr_NoMemory();
        goto error;
    }
    costs->through = costs->before + costs->size;
    costs->n_before = costs->through + costs->size;
    costs->n_through = costs->n_before + costs->size;
    if (copy_sums(info, s_before, costs->before, costs->size) < 0 ||
        copy_sums(info, s_through, costs->through, costs->size) < 0 ||
        copy_sums(info, s_n_before, costs->n_before, costs->size) < 0 ||
        copy_sums(info, s_n_through, costs->n_through, costs->size) < 0) {
        goto error;
    }
    Py_DECREF(own);
    Py_DECREF(before);
    return costs;
error:
    Py_XDECREF(own);
    Py_XDECREF(before);
    Py_DECREF(costs);
    return NULL;
}

/* Where in its instances the slot ``name`` of class ``type`` lives. */
static int
slot_offset(PyObject *type, PyObject *name, Py_ssize_t *into)
{
    PyObject *descr = PyObject_GetAttr(type, name);
    if (descr == NULL) {
        return -1;
    }
    int is_slot = PyObject_TypeCheck(descr, &PyMemberDescr_Type) &&
                  ((PyMemberDescrObject *)descr)->d_member->type == Py_T_OBJECT_EX;
    if (is_slot) {
        *into = ((PyMemberDescrObject *)descr)->d_member->offset;
    }
    Py_DECREF(descr);
    if (!is_slot) {
        PyErr_Format(PyExc_TypeError, "%R is no slot of %R", name, type);
        return -1;
    }
    return 0;
}

/* -- Callbacks: the tracer's state and the event callbacks ------------------------------ */

typedef struct {
    PyObject_HEAD
    PyObject *tracer;          /* the Tracer (monitor.py) */
    PyObject *interp;          /* its interpreter state (pystate.TracedInterpreter) */
    PyObject *ts_type;         /* the class of thread states (state.ThreadState) */
    /* Where the slots are: the tracer's, the interpreter's, a thread state's. */
    Py_ssize_t running, clock_ns, instructions, deadline_ns, instruction_limit, limit_ns,
        eval_breaker, machine, stack, ts_instructions, init_code;
    PyObject *infos;           /* tracer.infos: CodeInfo by id(code) */
    PyObject *unchecked;       /* tracer.unchecked: argument counts by id(function) */
    PyObject *own_calls;       /* tracer.own_calls: gilsim's code whose CALL is off, by id */
    PyObject *costs_by_info;   /* Costs by CodeInfo */
    Costs *last;               /* the last Costs found (borrowed from costs_by_info) */
    /* The tracer's and the interpreter's methods for the slow paths. */
    PyObject *info, *resync, *on_deadline, *check_point, *too_deep, *class_call, *spend;
    /* gilsim.versions.native: the function, and what tells its common case apart. */
    PyObject *native_call_cost, *per_item, *method_owners;
    PyObject *disable, *missing;
    long long base_ns;         /* NATIVE_CALL_BASE_NS */
    long long from_c_ns;       /* PYTHON_FROM_C_NS */
    int *py_remaining;         /* tstate->py_recursion_remaining of the host thread */
    int *c_remaining;          /* tstate->c_recursion_remaining */
    int recursion_headroom, c_headroom;
    int inits_inline;
} Callbacks;

static int
Callbacks_traverse(Callbacks *self, visitproc visit, void *arg)
{
    Py_VISIT(self->tracer);
    Py_VISIT(self->interp);
    Py_VISIT(self->ts_type);
    Py_VISIT(self->infos);
    Py_VISIT(self->unchecked);
    Py_VISIT(self->own_calls);
    Py_VISIT(self->costs_by_info);
    Py_VISIT(self->info);
    Py_VISIT(self->resync);
    Py_VISIT(self->on_deadline);
    Py_VISIT(self->check_point);
    Py_VISIT(self->too_deep);
    Py_VISIT(self->class_call);
    Py_VISIT(self->spend);
    Py_VISIT(self->native_call_cost);
    Py_VISIT(self->per_item);
    Py_VISIT(self->method_owners);
    return 0;
}

static int
Callbacks_clear(Callbacks *self)
{
    self->last = NULL;
    Py_CLEAR(self->tracer);
    Py_CLEAR(self->interp);
    Py_CLEAR(self->ts_type);
    Py_CLEAR(self->infos);
    Py_CLEAR(self->unchecked);
    Py_CLEAR(self->own_calls);
    Py_CLEAR(self->costs_by_info);
    Py_CLEAR(self->info);
    Py_CLEAR(self->resync);
    Py_CLEAR(self->on_deadline);
    Py_CLEAR(self->check_point);
    Py_CLEAR(self->too_deep);
    Py_CLEAR(self->class_call);
    Py_CLEAR(self->spend);
    Py_CLEAR(self->native_call_cost);
    Py_CLEAR(self->per_item);
    Py_CLEAR(self->method_owners);
    Py_CLEAR(self->disable);
    Py_CLEAR(self->missing);
    return 0;
}

static void
Callbacks_dealloc(Callbacks *self)
{
    PyObject_GC_UnTrack(self);
    Callbacks_clear(self);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static int
Callbacks_init(Callbacks *self, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"tracer", "thread_state", "native_call_cost", "per_item", "method_owners",
                             "base_ns", "from_c_ns", "py_remaining_address", "c_remaining_address",
                             "recursion_headroom", "c_headroom", "inits_inline", NULL};
    PyObject *tracer, *ts_type, *native_call_cost, *per_item, *method_owners;
    long long base_ns, from_c_ns;
    Py_ssize_t py_address, c_address;
    int recursion_headroom, c_headroom, inits_inline;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OO!OO!OLLnniip", kwlist, &tracer,
                                     &PyType_Type, &ts_type, &native_call_cost, &PyDict_Type, &per_item,
                                     &method_owners, &base_ns, &from_c_ns, &py_address, &c_address,
                                     &recursion_headroom, &c_headroom, &inits_inline)) {
        return -1;
    }
    Callbacks_clear(self);
    PyObject *interp = PyObject_GetAttrString(tracer, "interp");
    PyObject *monitoring = PySys_GetObject("monitoring");  /* borrowed */
    if (interp == NULL || monitoring == NULL) {
        Py_XDECREF(interp);
        if (!PyErr_Occurred()) {
            PyErr_SetString(PyExc_RuntimeError, "sys.monitoring is missing");
        }
        return -1;
    }
    self->tracer = Py_NewRef(tracer);
    self->interp = interp;
    self->ts_type = Py_NewRef(ts_type);
    PyObject *interp_type = (PyObject *)Py_TYPE(interp);
    if (slot_offset((PyObject *)Py_TYPE(tracer), s_running, &self->running) < 0 ||
        slot_offset(interp_type, s_clock_ns, &self->clock_ns) < 0 ||
        slot_offset(interp_type, s_instructions, &self->instructions) < 0 ||
        slot_offset(interp_type, s_deadline_ns, &self->deadline_ns) < 0 ||
        slot_offset(interp_type, s_instruction_limit, &self->instruction_limit) < 0 ||
        slot_offset(interp_type, s_limit_ns, &self->limit_ns) < 0 ||
        slot_offset(interp_type, s_eval_breaker, &self->eval_breaker) < 0 ||
        slot_offset(interp_type, s_machine, &self->machine) < 0 ||
        slot_offset(ts_type, s_stack, &self->stack) < 0 ||
        slot_offset(ts_type, s_instructions, &self->ts_instructions) < 0 ||
        slot_offset(ts_type, s_init_code, &self->init_code) < 0) {
        return -1;
    }
    self->spend = PyObject_GetAttrString(interp, "spend");
    self->infos = PyObject_GetAttrString(tracer, "infos");
    self->unchecked = PyObject_GetAttrString(tracer, "unchecked");
    self->own_calls = PyObject_GetAttrString(tracer, "own_calls");
    self->costs_by_info = PyDict_New();
    self->info = PyObject_GetAttrString(tracer, "info");
    self->resync = PyObject_GetAttrString(tracer, "resync");
    self->on_deadline = PyObject_GetAttrString(tracer, "on_deadline");
    self->check_point = PyObject_GetAttrString(tracer, "check_point");
    self->too_deep = PyObject_GetAttrString(tracer, "too_deep");
    self->class_call = PyObject_GetAttrString(tracer, "class_call");
    self->disable = PyObject_GetAttrString(monitoring, "DISABLE");
    self->missing = PyObject_GetAttrString(monitoring, "MISSING");
    if (PyErr_Occurred()) {
        return -1;
    }
    if (!PyDict_Check(self->infos) || !PyDict_Check(self->unchecked) ||
        !PyDict_Check(self->own_calls)) {
        PyErr_SetString(PyExc_TypeError, "the tracer's state is not as expected");
        return -1;
    }
    self->native_call_cost = Py_NewRef(native_call_cost);
    self->per_item = Py_NewRef(per_item);
    self->method_owners = Py_NewRef(method_owners);
    self->base_ns = base_ns;
    self->from_c_ns = from_c_ns;
    self->py_remaining = (int *)py_address;
    self->c_remaining = (int *)c_address;
    self->recursion_headroom = recursion_headroom;
    self->c_headroom = c_headroom;
    self->inits_inline = inits_inline;
    return 0;
}

/* -- Reading and writing slots -------------------------------------------------------- */

#define SLOT(object, offset) (*(PyObject **)((char *)(object) + (offset)))

/* A slot's value (borrowed), or NULL with AttributeError when it is not set. */
static PyObject *
get_slot(PyObject *object, Py_ssize_t offset)
{
    PyObject *value = SLOT(object, offset);
    if (value == NULL) {
        PyErr_SetString(PyExc_AttributeError, "a slot the tracer reads is not set");
    }
    return value;
}

/* Set a slot to ``value`` (a new reference, which it takes; NULL: an error already set). */
static int
set_slot(PyObject *object, Py_ssize_t offset, PyObject *value)
{
    if (value == NULL) {
        return -1;
    }
    Py_XSETREF(SLOT(object, offset), value);
    return 0;
}

/* An integer slot.  (``PyLong_AsSsize_t`` rather than ``PyLong_AsLongLong``: it reads a
 * clock's few digits in a loop, where 3.13's ``PyLong_AsLongLong`` goes through
 * ``_PyLong_AsByteArray``, Objects/longobject.c.) */
static int
get_ll(PyObject *object, Py_ssize_t offset, long long *into)
{
    PyObject *value = get_slot(object, offset);
    if (value == NULL) {
        return -1;
    }
    *into = PyLong_AsSsize_t(value);
    return (*into == -1 && PyErr_Occurred()) ? -1 : 0;
}

static int
set_ll(PyObject *object, Py_ssize_t offset, long long value)
{
    return set_slot(object, offset, PyLong_FromLongLong(value));
}

/* Whether interp.eval_breaker is set: 1, 0, or -1 on error. */
static int
eval_breaker(Callbacks *self)
{
    PyObject *value = get_slot(self->interp, self->eval_breaker);
    return value == NULL ? -1 : PyObject_IsTrue(value);
}

/* The running thread state (new reference), or NULL without an error when none runs. */
static PyObject *
running(Callbacks *self)
{
    PyObject *ts = SLOT(self->tracer, self->running);
    if (ts == NULL || ts == Py_None) {
        return NULL;
    }
    if (!PyObject_TypeCheck(ts, (PyTypeObject *)self->ts_type)) {
        PyErr_SetString(PyExc_TypeError, "the running thread's state is no ThreadState");
        return NULL;
    }
    return Py_NewRef(ts);
}

/* The running thread's stack of frame records (borrowed), or NULL with an error. */
static PyObject *
stack_of(Callbacks *self, PyObject *ts)
{
    PyObject *stack = get_slot(ts, self->stack);
    if (stack != NULL && !PyList_Check(stack)) {
        PyErr_SetString(PyExc_TypeError, "ts.stack is not a list");
        return NULL;
    }
    return stack;
}

/* -- Code objects --------------------------------------------------------------------- */

/* The Costs of a CodeInfo (borrowed: costs_by_info keeps it), copied on first sight. */
static Costs *
costs_of(Callbacks *self, PyObject *info)
{
    if (self->last != NULL && self->last->info == info) {
        return self->last;
    }
    Costs *costs = (Costs *)PyDict_GetItemWithError(self->costs_by_info, info);
    if (costs == NULL) {
        if (PyErr_Occurred()) {
            return NULL;
        }
        costs = costs_new(info);
        if (costs == NULL) {
            return NULL;
        }
        int failed = PyDict_SetItem(self->costs_by_info, info, (PyObject *)costs);
        Py_DECREF(costs);
        if (failed) {
            return NULL;
        }
    }
    self->last = costs;
    return costs;
}

/* ``Tracer.info(code)``'s Costs: its cached CodeInfo if it is ``code``'s, else the
 * tracer's own method analyses it. */
static Costs *
costs_of_code(Callbacks *self, PyObject *code)
{
    PyObject *key = PyLong_FromVoidPtr(code);
    if (key == NULL) {
        return NULL;
    }
    PyObject *info = PyDict_GetItemWithError(self->infos, key);
    Py_DECREF(key);
    if (info != NULL) {
        Costs *costs = costs_of(self, info);
        if (costs == NULL || costs->code == code) {
            return costs;
        }
    }
    if (PyErr_Occurred()) {
        return NULL;
    }
    info = PyObject_CallOneArg(self->info, code);
    if (info == NULL) {
        return NULL;
    }
    Costs *costs = costs_of(self, info);
    Py_DECREF(info);
    return costs;
}

/* An event while no program code runs (``idle``): gilsim's own code is turned off. */
static PyObject *
idle(Callbacks *self, PyObject *code)
{
    if (PyErr_Occurred()) {
        return NULL;
    }
    Costs *costs = costs_of_code(self, code);
    if (costs == NULL) {
        return NULL;
    }
    return Py_NewRef(costs->own ? self->disable : Py_None);
}

/* -- Charging ------------------------------------------------------------------------- */

static int
offset_of(PyObject *number, Py_ssize_t size, Py_ssize_t *into)
{
    *into = PyLong_AsSsize_t(number);
    if (*into == -1 && PyErr_Occurred()) {
        return -1;
    }
    if (*into < 0 || *into >= size) {
        PyErr_SetString(PyExc_IndexError, "offset out of the code's range");
        return -1;
    }
    return 0;
}

/* ``charge``: charge the top frame's instructions up to and including the one at
 * ``offset``.  Sets *record to the frame's record (new reference), or to NULL for gilsim's
 * own code; -1 on error. */
static int
charge(Callbacks *self, PyObject *ts, PyObject *code, PyObject *offset, PyObject **record)
{
    *record = NULL;
    PyObject *stack = stack_of(self, ts);
    if (stack == NULL) {
        return -1;
    }
    Py_ssize_t depth = PyList_GET_SIZE(stack);
    PyObject *top = depth ? PyList_GET_ITEM(stack, depth - 1) : NULL;
    Costs *costs = NULL;
    if (top != NULL) {
        costs = costs_of(self, PyList_GET_ITEM(top, 0));
        if (costs == NULL) {
            return -1;
        }
    }
    if (costs != NULL && costs->code == code) {
        *record = Py_NewRef(top);
    }
    else {
        /* A frame the tracer did not see start, or frames that ended unseen. */
        PyObject *found = PyObject_CallFunctionObjArgs(self->resync, ts, code, offset, NULL);
        if (found == NULL || found == Py_None) {
            Py_XDECREF(found);
            return found == NULL ? -1 : 0;
        }
        *record = found;
        costs = costs_of(self, PyList_GET_ITEM(found, 0));
        if (costs == NULL) {
            goto error;
        }
    }
    Py_ssize_t at, cont;
    if (offset_of(offset, costs->size, &at) < 0 ||
        offset_of(PyList_GET_ITEM(*record, 1), costs->size, &cont) < 0) {
        goto error;
    }
    long long cost = costs->through[at] - costs->before[cont];
    if (cost > 0) {
        long long clock, deadline, instructions, limit, own;
        long long steps = costs->n_through[at] - costs->n_before[cont];
        PyObject *interp = self->interp;
        if (get_ll(interp, self->clock_ns, &clock) < 0 ||
            get_ll(interp, self->instructions, &instructions) < 0 ||
            get_ll(ts, self->ts_instructions, &own) < 0 ||
            set_ll(interp, self->clock_ns, clock + cost) < 0 ||
            set_ll(interp, self->instructions, instructions + steps) < 0 ||
            set_ll(ts, self->ts_instructions, own + steps) < 0 ||
            get_ll(interp, self->deadline_ns, &deadline) < 0 ||
            get_ll(interp, self->instruction_limit, &limit) < 0) {
            goto error;
        }
        if (clock + cost > deadline || instructions + steps > limit) {
            PyObject *result = PyObject_CallFunctionObjArgs(self->on_deadline, ts, code,
                                                            offset, NULL);
            if (result == NULL) {
                goto error;
            }
            Py_DECREF(result);
        }
    }
    return 0;
error:
    Py_CLEAR(*record);
    return -1;
}

/* ``check_point``: a check point polls eval_breaker, and acts if it is set; ``at_call``:
 * the check after a call into C returned, where an exception is the CALL's own. */
static int
check(Callbacks *self, PyObject *ts, int at_call)
{
    int set = eval_breaker(self);
    if (set <= 0) {
        return set;
    }
    PyObject *result = PyObject_CallFunctionObjArgs(
        self->check_point, ts, at_call ? Py_True : Py_False, NULL);
    if (result == NULL) {
        return -1;
    }
    Py_DECREF(result);
    return 0;
}

/* -- The callbacks -------------------------------------------------------------------- */

#define EXPECT_ARGS(n)                                                              \
    if (nargs != (n)) {                                                             \
        PyErr_Format(PyExc_TypeError, "expected %d arguments, got %zd", (n), nargs); \
        return NULL;                                                                \
    }

static int spend(Callbacks *self, PyObject *ts, long long cost);

/* The record on top of ``stack`` (a new reference), or NULL when it is empty. */
static PyObject *
top_record(PyObject *stack)
{
    Py_ssize_t size = PyList_GET_SIZE(stack);
    return size ? Py_NewRef(PyList_GET_ITEM(stack, size - 1)) : NULL;
}

/* A new frame record (monitor.py): ``[info, cont, -1, False, 0]``, ``cont`` 0 when NULL.
 * Its last item: 0, 1 in a call into C, 2 in one that has run Python code. */
static PyObject *
new_record(PyObject *info, PyObject *cont)
{
    PyObject *record = PyList_New(5);
    PyObject *from = cont ? Py_NewRef(cont) : PyLong_FromLong(0);
    PyObject *none = PyLong_FromLong(-1);
    if (record == NULL || from == NULL || none == NULL) {
        Py_XDECREF(record);
        Py_XDECREF(from);
        Py_XDECREF(none);
        return NULL;
    }
    PyList_SET_ITEM(record, 0, Py_NewRef(info));
    PyList_SET_ITEM(record, 1, from);
    PyList_SET_ITEM(record, 2, none);
    PyList_SET_ITEM(record, 3, Py_NewRef(Py_False));
    PyList_SET_ITEM(record, 4, PyLong_FromLong(0));
    return record;
}

/* Whether the record of the frame under a frame that starts or resumes (NULL: none) is in
 * a call into C (record[4] not 0): then the new frame was entered from C, and the call has
 * run Python code (2).  -1 on error. */
static int
entered_from_c(PyObject *caller)
{
    if (caller == NULL) {
        return 0;
    }
    PyObject *state = PyList_GET_ITEM(caller, 4);
    if (!PyLong_CheckExact(state) || PyLong_AsLong(state) == 0) {
        return 0;
    }
    return PyList_SetItem(caller, 4, PyLong_FromLong(2)) < 0 ? -1 : 1;
}

/* PY_START: a frame starts; ``RESUME 0`` is a check point. */
static PyObject *
Callbacks_start(Callbacks *self, PyObject *const *args, Py_ssize_t nargs)
{
    EXPECT_ARGS(2);
    PyObject *code = args[0];
    PyObject *ts = running(self);
    if (ts == NULL) {
        return idle(self, code);
    }
    PyObject *result = NULL, *record = NULL, *caller = NULL;
    Costs *costs = costs_of_code(self, code);
    if (costs == NULL) {
        goto done;
    }
    if (costs->own) {
        result = Py_NewRef(self->disable);
        goto done;
    }
    PyObject *stack = stack_of(self, ts);
    if (stack == NULL) {
        goto done;
    }
    caller = top_record(stack);
    record = new_record(costs->info, NULL);
    if (record == NULL || PyList_Append(stack, record) < 0) {
        goto done;
    }
    PyObject *init_code = get_slot(ts, self->init_code);
    if (init_code == NULL) {
        goto done;
    }
    if (init_code == code) {
        /* The shim frame under an ``__init__`` that 3.13 enters inline (class_call). */
        set_slot(ts, self->init_code, Py_NewRef(Py_None));
        PyList_SetItem(record, 3, Py_NewRef(Py_True));
        *self->py_remaining -= 1;
    }
    /* The frame's own recursion counters, as the Python callback works them out: a C
     * function called by vectorcall takes one unit of C stack
     * (``cfunction_enter_call``, Objects/methodobject.c) and no Python frame, where the
     * Python callback's frame takes one frame and two units (``_PyEval_EvalFrameDefault``,
     * Python/ceval.c).  Below the headroom, CPython's would be < 0. */
    if (*self->py_remaining < self->recursion_headroom ||
        *self->c_remaining + 1 < self->c_headroom) {
        PyObject *raised = PyObject_CallFunctionObjArgs(self->too_deep, ts, code, NULL);
        Py_XDECREF(raised);
        if (raised != NULL) {
            PyErr_SetString(PyExc_SystemError, "too_deep returned");
        }
        goto done;
    }
    /* Entered from C, unless it is the __init__ under a shim frame. */
    if (PyList_GET_ITEM(record, 3) == Py_False) {
        int from_c = entered_from_c(caller);
        if (from_c < 0 || (from_c && spend(self, ts, self->from_c_ns) < 0)) {
            goto done;
        }
    }
    if (check(self, ts, 0) < 0) {  /* ``RESUME 0``: every function's start is a check point */
        goto done;
    }
    result = Py_NewRef(Py_None);
done:
    Py_XDECREF(caller);
    Py_XDECREF(record);
    Py_DECREF(ts);
    return result;
}

/* PY_RESUME: a frame resumes (after ``yield``); a check point at a checked ``RESUME``. */
static PyObject *
Callbacks_resume(Callbacks *self, PyObject *const *args, Py_ssize_t nargs)
{
    EXPECT_ARGS(2);
    PyObject *code = args[0], *offset = args[1];
    PyObject *ts = running(self);
    if (ts == NULL) {
        return idle(self, code);
    }
    PyObject *result = NULL, *record = NULL, *caller = NULL;
    Costs *costs = costs_of_code(self, code);
    if (costs == NULL) {
        goto done;
    }
    if (costs->own) {
        result = Py_NewRef(self->disable);
        goto done;
    }
    PyObject *stack = stack_of(self, ts);
    if (stack == NULL) {
        goto done;
    }
    caller = top_record(stack);
    int from_c = entered_from_c(caller);
    if (from_c < 0 || (from_c && spend(self, ts, self->from_c_ns) < 0)) {
        goto done;  /* resumed from C: dearer */
    }
    record = new_record(costs->info, offset);
    if (record == NULL || PyList_Append(stack, record) < 0) {
        goto done;
    }
    int set = eval_breaker(self);
    if (set < 0) {
        goto done;
    }
    if (set) {
        PyObject *checked = PyObject_GetAttr(costs->info, s_checked_resumes);
        int contains = checked ? PySequence_Contains(checked, offset) : -1;
        Py_XDECREF(checked);
        if (contains < 0 || (contains && check(self, ts, 0) < 0)) {
            goto done;
        }
    }
    result = Py_NewRef(Py_None);
done:
    Py_XDECREF(caller);
    Py_XDECREF(record);
    Py_DECREF(ts);
    return result;
}

/* JUMP and BRANCH: charge up to the jump; the frame goes on at ``destination``. */
static PyObject *
jump_or_branch(Callbacks *self, PyObject *const *args, Py_ssize_t nargs, int is_jump)
{
    EXPECT_ARGS(3);
    PyObject *code = args[0], *offset = args[1], *destination = args[2];
    PyObject *ts = running(self);
    if (ts == NULL) {
        return idle(self, code);
    }
    PyObject *record, *result = NULL;
    if (charge(self, ts, code, offset, &record) < 0) {
        goto done;
    }
    if (record == NULL) {
        result = Py_NewRef(self->disable);
        goto done;
    }
    PyList_SetItem(record, 1, Py_NewRef(destination));
    Py_DECREF(record);
    if (is_jump) {
        /* ``JUMP_BACKWARD``: the back edge of every loop is a check point. */
        int backward = PyObject_RichCompareBool(destination, offset, Py_LE);
        if (backward < 0 || (backward && check(self, ts, 0) < 0)) {
            goto done;
        }
    }
    result = Py_NewRef(Py_None);
done:
    Py_DECREF(ts);
    return result;
}

static PyObject *
Callbacks_jump(Callbacks *self, PyObject *const *args, Py_ssize_t nargs)
{
    return jump_or_branch(self, args, nargs, 1);
}

static PyObject *
Callbacks_branch(Callbacks *self, PyObject *const *args, Py_ssize_t nargs)
{
    return jump_or_branch(self, args, nargs, 0);
}

/* CALL: charge up to the call; the frame goes on after it. */
static PyObject *
Callbacks_call(Callbacks *self, PyObject *const *args, Py_ssize_t nargs)
{
    EXPECT_ARGS(4);
    PyObject *code = args[0], *offset = args[1], *function = args[2];
    PyObject *ts = running(self);
    if (ts == NULL) {
        return idle(self, code);
    }
    PyObject *record, *result = NULL;
    if (charge(self, ts, code, offset, &record) < 0) {
        goto done;
    }
    if (record == NULL) {
        /* gilsim's own code: its C_RETURN still comes this once (``own_calls``). */
        PyObject *key = PyLong_FromVoidPtr(code);  /* id(code) */
        if (key != NULL && PyDict_SetItem(self->own_calls, key, code) == 0) {
            result = Py_NewRef(self->disable);
        }
        Py_XDECREF(key);
        goto done;
    }
    Py_ssize_t at = PyLong_AsSsize_t(offset);
    PyObject *after = (at == -1 && PyErr_Occurred()) ? NULL : PyLong_FromSsize_t(at + 1);
    if (after == NULL) {
        Py_DECREF(record);
        goto done;
    }
    PyList_SetItem(record, 1, after);
    /* In a call into C unless the callee is a Python function or a method of one. */
    int python = PyFunction_Check(function) || PyMethod_Check(function);
    PyList_SetItem(record, 4, PyLong_FromLong(python ? 0 : 1));
    if (self->inits_inline && Py_IS_TYPE(function, &PyType_Type)) {
        PyObject *called = PyObject_CallFunctionObjArgs(self->class_call, ts, record, offset,
                                                        function, NULL);
        Py_XDECREF(called);
        if (called == NULL) {
            Py_DECREF(record);
            goto done;
        }
    }
    Py_DECREF(record);
    result = Py_NewRef(Py_None);
done:
    Py_DECREF(ts);
    return result;
}

/* ``native_call_cost(function, args)`` (gilsim/versions/native.py): its common case (a
 * callable in no table: the base cost) here, any other by the Python function.  -1 on
 * error. */
static long long
native_cost(Callbacks *self, PyObject *function, PyObject *arg, PyObject *key, int ran_python)
{
    PyObject *rates = PyDict_GetItemWithError(self->per_item, key);
    if (rates == NULL) {
        if (PyErr_Occurred()) {
            return -1;
        }
        PyObject *owner;
        if (PyCFunction_CheckExact(function)) {
            owner = PyCFunction_GET_SELF(function);
        }
        else if (Py_IS_TYPE(function, &PyMethodDescr_Type) && arg != self->missing) {
            owner = arg;  /* a method call: its descriptor, and self as the first argument */
        }
        else {
            return self->base_ns;
        }
        PyObject *owner_type = (PyObject *)Py_TYPE(owner != NULL ? owner : Py_None);
        int table = PySequence_Contains(self->method_owners, owner_type);
        if (table <= 0) {
            return table < 0 ? -1 : self->base_ns;
        }
    }
    PyObject *list = arg == self->missing ? PyList_New(0) : PyList_New(1);
    if (list == NULL) {
        return -1;
    }
    if (arg != self->missing) {
        PyList_SET_ITEM(list, 0, Py_NewRef(arg));
    }
    PyObject *cost = PyObject_CallFunctionObjArgs(self->native_call_cost, function, list,
                                                  ran_python ? Py_True : Py_False, NULL);
    Py_DECREF(list);
    if (cost == NULL) {
        return -1;
    }
    long long value = PyLong_AsSsize_t(cost);
    Py_DECREF(cost);
    return value;
}

/* ``InterpreterState.spend(ts, cost_ns)``: when the cost ends before the deadline (or no
 * event can come), the clock goes on; otherwise the Python method runs the events due. */
static int
spend(Callbacks *self, PyObject *ts, long long cost)
{
    PyObject *interp = self->interp;
    long long clock, deadline, limit;
    PyObject *machine = get_slot(interp, self->machine);
    if (machine == NULL || get_ll(interp, self->clock_ns, &clock) < 0 ||
        get_ll(interp, self->deadline_ns, &deadline) < 0 ||
        get_ll(interp, self->limit_ns, &limit) < 0) {
        return -1;
    }
    if (machine == Py_None || deadline >= limit || cost <= deadline - clock) {
        return set_ll(interp, self->clock_ns, clock + cost);
    }
    PyObject *number = PyLong_FromLongLong(cost);
    PyObject *result = number ? PyObject_CallFunctionObjArgs(self->spend, ts, number, NULL)
                              : NULL;
    Py_XDECREF(number);
    Py_XDECREF(result);
    return result == NULL ? -1 : 0;
}

/* C_RETURN (``Tracer.c_return``): the C function's cost, then the check after the call,
 * unless its specialised instruction has none. */
static PyObject *
Callbacks_c_return(Callbacks *self, PyObject *const *args, Py_ssize_t nargs)
{
    EXPECT_ARGS(4);
    PyObject *code = args[0], *offset = args[1], *function = args[2], *arg = args[3];
    PyObject *ts = running(self);
    if (ts == NULL) {
        return PyErr_Occurred() ? NULL : Py_NewRef(Py_None);
    }
    PyObject *result = NULL, *key = NULL;
    /* The first call from gilsim's own code, whose CALL was just turned off: not the
     * program's (``own_calls``). */
    PyObject *code_id = PyLong_FromVoidPtr(code);
    if (code_id == NULL) {
        goto done;
    }
    PyObject *own = PyDict_GetItemWithError(self->own_calls, code_id);  /* borrowed */
    Py_DECREF(code_id);
    if (own == code) {
        result = Py_NewRef(Py_None);
        goto done;
    }
    if (own == NULL && PyErr_Occurred()) {
        goto done;
    }
    PyObject *stack = stack_of(self, ts);
    if (stack == NULL) {
        goto done;
    }
    int ran_python = 0;
    if (PyList_GET_SIZE(stack)) {  /* out of the call into C */
        PyObject *top = PyList_GET_ITEM(stack, PyList_GET_SIZE(stack) - 1);
        PyObject *state = PyList_GET_ITEM(top, 4);
        ran_python = PyLong_CheckExact(state) && PyLong_AsLong(state) == 2;
        if (PyList_SetItem(top, 4, PyLong_FromLong(0)) < 0) {
            goto done;
        }
    }
    key = PyLong_FromVoidPtr(function);  /* id(function) */
    if (key == NULL) {
        goto done;
    }
    long long cost = native_cost(self, function, arg, key, ran_python);
    if ((cost == -1 && PyErr_Occurred()) || spend(self, ts, cost) < 0) {
        goto done;
    }
    PyObject *unchecked = PyDict_GetItemWithError(self->unchecked, key);
    if (unchecked != NULL) {
        /* CALL_NO_KW_LEN, CALL_NO_KW_LIST_APPEND...: no check once specialised, if the
         * call has the argument count the specialisation needs. */
        Costs *costs = costs_of_code(self, code);
        PyObject *call_args = costs ? PyObject_GetAttr(costs->info, s_call_args) : NULL;
        PyObject *count = NULL;
        int same = -1;
        if (call_args != NULL && PyDict_Check(call_args)) {
            count = PyDict_GetItemWithError(call_args, offset);
            if (count != NULL || !PyErr_Occurred()) {
                same = PyObject_RichCompareBool(count ? count : unchecked, unchecked, Py_EQ);
            }
        }
        Py_XDECREF(call_args);
        if (same < 0) {
            goto done;
        }
        if (same) {
            PyObject *warm = PyObject_GetAttr(costs->info, s_warm_calls);
            int seen = warm ? PySet_Contains(warm, offset) : -1;
            if (seen == 0) {
                seen = PySet_Add(warm, offset);  /* the generic CALL of its first run checks */
            }
            Py_XDECREF(warm);
            if (seen < 0) {
                goto done;
            }
            if (seen == 1) {
                result = Py_NewRef(Py_None);  /* specialised: no check */
                goto done;
            }
        }
    }
    else if (PyErr_Occurred()) {
        goto done;
    }
    stack = stack_of(self, ts);  /* again: the cost may have let other threads run */
    if (stack == NULL) {
        goto done;
    }
    if (PyList_GET_SIZE(stack)) {
        PyObject *top = PyList_GET_ITEM(stack, PyList_GET_SIZE(stack) - 1);
        int inline_call = PyObject_RichCompareBool(PyList_GET_ITEM(top, 2), offset, Py_EQ);
        if (inline_call < 0) {
            goto done;
        }
        if (inline_call) {
            /* CALL_ALLOC_AND_ENTER_INIT (class_call): no check. */
            PyList_SetItem(top, 2, PyLong_FromLong(-1));
            result = Py_NewRef(Py_None);
            goto done;
        }
    }
    long long clock, deadline, instructions, limit;
    PyObject *interp = self->interp;
    if (get_ll(interp, self->clock_ns, &clock) < 0 ||
        get_ll(interp, self->deadline_ns, &deadline) < 0 ||
        get_ll(interp, self->instructions, &instructions) < 0 ||
        get_ll(interp, self->instruction_limit, &limit) < 0) {
        goto done;
    }
    if (clock > deadline || instructions > limit) {
        PyObject *r = PyObject_CallFunctionObjArgs(self->on_deadline, ts, code, offset, NULL);
        Py_XDECREF(r);
        if (r == NULL) {
            goto done;
        }
    }
    if (check(self, ts, 1) < 0) {
        goto done;
    }
    result = Py_NewRef(Py_None);
done:
    Py_XDECREF(key);
    Py_DECREF(ts);
    return result;
}

/* PY_RETURN, PY_YIELD (``leave``): charge up to the return or yield; the record goes. */
static PyObject *
Callbacks_leave(Callbacks *self, PyObject *const *args, Py_ssize_t nargs)
{
    EXPECT_ARGS(3);
    PyObject *code = args[0], *offset = args[1];
    PyObject *ts = running(self);
    if (ts == NULL) {
        return idle(self, code);
    }
    PyObject *record, *result = NULL;
    if (charge(self, ts, code, offset, &record) < 0) {
        goto done;
    }
    if (record == NULL) {
        result = Py_NewRef(self->disable);
        goto done;
    }
    PyObject *stack = stack_of(self, ts);
    if (stack == NULL) {
        Py_DECREF(record);
        goto done;
    }
    Py_ssize_t depth = PyList_GET_SIZE(stack);
    if (depth && PyList_GET_ITEM(stack, depth - 1) == record) {
        int shim = PyObject_IsTrue(PyList_GET_ITEM(record, 3));
        if (shim < 0 || PyList_SetSlice(stack, depth - 1, depth, NULL) < 0) {
            Py_DECREF(record);
            goto done;
        }
        if (shim) {
            *self->py_remaining += 1;  /* the shim frame goes with it (class_call) */
        }
    }
    Py_DECREF(record);
    result = Py_NewRef(Py_None);
done:
    Py_DECREF(ts);
    return result;
}

/* PY_UNWIND: the frame is left with an exception. */
static PyObject *
Callbacks_unwind(Callbacks *self, PyObject *const *args, Py_ssize_t nargs)
{
    EXPECT_ARGS(3);
    PyObject *code = args[0];
    PyObject *ts = running(self);
    if (ts == NULL) {
        return PyErr_Occurred() ? NULL : Py_NewRef(Py_None);
    }
    PyObject *result = NULL;
    PyObject *stack = stack_of(self, ts);
    if (stack == NULL) {
        goto done;
    }
    Py_ssize_t depth = PyList_GET_SIZE(stack);
    if (depth) {
        PyObject *top = PyList_GET_ITEM(stack, depth - 1);
        Costs *costs = costs_of(self, PyList_GET_ITEM(top, 0));
        if (costs == NULL) {
            goto done;
        }
        if (costs->code == code) {
            int shim = PyObject_IsTrue(PyList_GET_ITEM(top, 3));
            if (shim < 0 || PyList_SetSlice(stack, depth - 1, depth, NULL) < 0) {
                goto done;
            }
            if (shim) {
                *self->py_remaining += 1;  /* the shim frame goes with it (class_call) */
            }
        }
    }
    result = Py_NewRef(Py_None);
done:
    Py_DECREF(ts);
    return result;
}

static PyMethodDef Callbacks_methods[] = {
    {"start", (PyCFunction)(void (*)(void))Callbacks_start, METH_FASTCALL, "PY_START"},
    {"resume", (PyCFunction)(void (*)(void))Callbacks_resume, METH_FASTCALL, "PY_RESUME"},
    {"jump", (PyCFunction)(void (*)(void))Callbacks_jump, METH_FASTCALL, "JUMP"},
    {"branch", (PyCFunction)(void (*)(void))Callbacks_branch, METH_FASTCALL, "BRANCH"},
    {"call", (PyCFunction)(void (*)(void))Callbacks_call, METH_FASTCALL, "CALL"},
    {"c_return", (PyCFunction)(void (*)(void))Callbacks_c_return, METH_FASTCALL, "C_RETURN"},
    {"leave", (PyCFunction)(void (*)(void))Callbacks_leave, METH_FASTCALL,
     "PY_RETURN, PY_YIELD"},
    {"unwind", (PyCFunction)(void (*)(void))Callbacks_unwind, METH_FASTCALL, "PY_UNWIND"},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject CallbacksType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "gilsim.tracer._ctracer.Callbacks",
    .tp_basicsize = sizeof(Callbacks),
    .tp_dealloc = (destructor)Callbacks_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_doc = "The tracer's hot event callbacks (see gilsim/tracer/monitor.py).",
    .tp_traverse = (traverseproc)Callbacks_traverse,
    .tp_clear = (inquiry)Callbacks_clear,
    .tp_methods = Callbacks_methods,
    .tp_init = (initproc)Callbacks_init,
    .tp_new = PyType_GenericNew,
};

/* -- The module ----------------------------------------------------------------------- */

static int
intern_names(void)
{
#define INTERN(var, text)                          \
    if ((var = PyUnicode_InternFromString(text)) == NULL) { \
        return -1;                                 \
    }
    INTERN(s_running, "running");
    INTERN(s_stack, "stack");
    INTERN(s_instructions, "instructions");
    INTERN(s_init_code, "init_code");
    INTERN(s_clock_ns, "clock_ns");
    INTERN(s_deadline_ns, "deadline_ns");
    INTERN(s_instruction_limit, "instruction_limit");
    INTERN(s_limit_ns, "limit_ns");
    INTERN(s_eval_breaker, "eval_breaker");
    INTERN(s_machine, "machine");
    INTERN(s_code, "code");
    INTERN(s_own, "own");
    INTERN(s_before, "before");
    INTERN(s_through, "through");
    INTERN(s_n_before, "n_before");
    INTERN(s_n_through, "n_through");
    INTERN(s_checked_resumes, "checked_resumes");
    INTERN(s_call_args, "call_args");
    INTERN(s_warm_calls, "warm_calls");
#undef INTERN
    return 0;
}

static struct PyModuleDef ctracer_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "gilsim.tracer._ctracer",
    .m_doc = "The tracer's hot callbacks in C (see gilsim/tracer/monitor.py).",
    .m_size = -1,
};

PyMODINIT_FUNC
PyInit__ctracer(void)
{
    if (intern_names() < 0 || PyType_Ready(&CostsType) < 0 ||
        PyType_Ready(&CallbacksType) < 0) {
        return NULL;
    }
    PyObject *module = PyModule_Create(&ctracer_module);
    if (module == NULL) {
        return NULL;
    }
    if (PyModule_AddObjectRef(module, "Callbacks", (PyObject *)&CallbacksType) < 0) {
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
