# The CPython C-API the engine calls directly, beyond Cython's own cpython.*
# declarations: a str's storage, list internals and the cyclic GC.
#
# Short names, as they sit in hot loops: U_ is PyUnicode_, L_ is PyList_.  A
# _P suffix takes a borrowed PyObject* (no reference counting) where the
# plain name takes an object.
from cpython.ref cimport PyObject, Py_DECREF

cdef extern from "Python.h":
    # A str stores 1, 2 or 4 bytes per character: its "kind".
    ctypedef unsigned char Py_UCS1
    ctypedef unsigned short Py_UCS2
    int U_KIND "PyUnicode_KIND"(object)
    int U_KIND_P "PyUnicode_KIND"(PyObject*)
    void* U_DATA "PyUnicode_DATA"(object)
    void* U_DATA_P "PyUnicode_DATA"(PyObject*)
    Py_ssize_t U_LEN "PyUnicode_GET_LENGTH"(object)
    Py_ssize_t U_LEN_P "PyUnicode_GET_LENGTH"(PyObject*)
    bint U_IS_ASCII "PyUnicode_IS_ASCII"(object)
    Py_UCS4 U_READ "PyUnicode_READ"(int, const void*, Py_ssize_t)
    void U_WRITE "PyUnicode_WRITE"(int, void*, Py_ssize_t, Py_UCS4)
    bint U_CHECK "PyUnicode_Check"(object)
    bint U_CHECK_P "PyUnicode_Check"(PyObject*)
    bint U_EXACT "PyUnicode_CheckExact"(object)
    bint U_EXACT_P "PyUnicode_CheckExact"(PyObject*)
    PyObject* U_NEW "PyUnicode_New"(Py_ssize_t, Py_UCS4) except NULL
    PyObject* U_SUBSTR "PyUnicode_Substring"(PyObject*, Py_ssize_t, Py_ssize_t) except NULL
    PyObject* U_FROM_KIND "PyUnicode_FromKindAndData"(int, const void*, Py_ssize_t) except NULL

    # A list is built by handing it a block of members it then owns.
    ctypedef struct PyListObject:
        PyObject** ob_item
        Py_ssize_t allocated
    PyObject* L_NEW "PyList_New"(Py_ssize_t) except NULL
    void SET_SIZE "Py_SET_SIZE"(PyObject*, Py_ssize_t)
    Py_ssize_t L_SIZE "PyList_GET_SIZE"(object)
    Py_ssize_t L_SIZE_P "PyList_GET_SIZE"(PyObject*)
    PyObject* L_ITEM "PyList_GET_ITEM"(object, Py_ssize_t)
    PyObject* L_ITEM_P "PyList_GET_ITEM"(PyObject*, Py_ssize_t)
    bint L_CHECK "PyList_Check"(object)
    bint L_CHECK_P "PyList_Check"(PyObject*)

    void GC_TRACK "PyObject_GC_Track"(void*)
    void GC_UNTRACK "PyObject_GC_UnTrack"(void*)


cdef inline object _steal(PyObject* p):
    """The object of a new reference that the caller hands over."""
    cdef object r = <object>p
    Py_DECREF(r)
    return r
