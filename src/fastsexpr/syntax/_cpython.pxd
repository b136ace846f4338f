from cpython.ref cimport PyObject

cdef extern from "Python.h":
    ctypedef unsigned char Py_UCS1
    ctypedef unsigned short Py_UCS2
    int U_KIND "PyUnicode_KIND"(object)
    void* U_DATA "PyUnicode_DATA"(object)
    Py_ssize_t U_LEN "PyUnicode_GET_LENGTH"(object)
    bint U_IS_ASCII "PyUnicode_IS_ASCII"(object)
    Py_UCS4 U_READ "PyUnicode_READ"(int, const void*, Py_ssize_t)
    void U_WRITE "PyUnicode_WRITE"(int, void*, Py_ssize_t, Py_UCS4)
    PyObject* U_NEW "PyUnicode_New"(Py_ssize_t, Py_UCS4) except NULL
    PyObject* U_SUBSTR "PyUnicode_Substring"(PyObject*, Py_ssize_t, Py_ssize_t) except NULL
    PyObject* U_FROM_KIND "PyUnicode_FromKindAndData"(int, const void*, Py_ssize_t) except NULL
    void* RAW_DATA "PyUnicode_DATA"(PyObject*)
    PyObject* L_NEW "PyList_New"(Py_ssize_t) except NULL
    ctypedef struct PyListObject:
        PyObject** ob_item
        Py_ssize_t allocated
    void SET_SIZE "Py_SET_SIZE"(PyObject*, Py_ssize_t)
    void GC_UNTRACK "PyObject_GC_UnTrack"(void*)
    void GC_TRACK "PyObject_GC_Track"(void*)
    void L_SET "PyList_SET_ITEM"(PyObject*, Py_ssize_t, PyObject*)
    Py_ssize_t L_SIZE "PyList_GET_SIZE"(object)
    PyObject* L_ITEM "PyList_GET_ITEM"(object, Py_ssize_t)
    bint L_CHECK "PyList_Check"(object)
    bint U_CHECK "PyUnicode_Check"(object)
    bint U_CHECK_P "PyUnicode_Check"(PyObject*)
    bint L_CHECK_P "PyList_Check"(PyObject*)
    Py_ssize_t L_SIZE_P "PyList_GET_SIZE"(PyObject*)
    PyObject* L_ITEM_P "PyList_GET_ITEM"(PyObject*, Py_ssize_t)
    bint U_EXACT "PyUnicode_CheckExact"(object)
    bint U_EXACT_P "PyUnicode_CheckExact"(PyObject*)
    int U_KIND_P "PyUnicode_KIND"(PyObject*)
    Py_ssize_t U_LEN_P "PyUnicode_GET_LENGTH"(PyObject*)
