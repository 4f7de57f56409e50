/* The C half of the tree_sitter_nexa module.
 *
 * py-tree-sitter accepts a grammar as a PyCapsule named "tree_sitter.Language" that wraps the
 * `const TSLanguage *` returned by the generated parser's entry point.  This file only hands that
 * pointer over; the parser itself is grammar-ts/src/parser.c (and src/scanner.c), compiled into
 * the same extension by the root setup.py.  The module is built against the limited C API, so one
 * binary serves every CPython from 3.11 on.
 */
#include <Python.h>

typedef struct TSLanguage TSLanguage;

/* Defined by grammar-ts/src/parser.c: `tree-sitter generate` names it after the grammar. */
const TSLanguage *tree_sitter_nexa(void);

static PyObject *language(PyObject *Py_UNUSED(module), PyObject *Py_UNUSED(ignored)) {
    /* The language is a static table inside the extension: nothing to free, so no destructor. */
    return PyCapsule_New((void *)tree_sitter_nexa(), "tree_sitter.Language", NULL);
}

static PyMethodDef binding_methods[] = {
    {"language", language, METH_NOARGS, "Return the Nexa grammar as a capsule for tree_sitter.Language()."},
    {NULL, NULL, 0, NULL},
};

static PyModuleDef_Slot binding_slots[] = {
#ifdef Py_mod_multiple_interpreters
    {Py_mod_multiple_interpreters, Py_MOD_PER_INTERPRETER_GIL_SUPPORTED},
#endif
#ifdef Py_mod_gil
    {Py_mod_gil, Py_MOD_GIL_NOT_USED},
#endif
    {0, NULL},
};

static struct PyModuleDef binding_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "tree_sitter_nexa._binding",
    .m_doc = "Nexa grammar for tree-sitter (compiled parser).",
    .m_size = 0,
    .m_methods = binding_methods,
    .m_slots = binding_slots,
};

PyMODINIT_FUNC PyInit__binding(void) {
    return PyModuleDef_Init(&binding_module);
}
