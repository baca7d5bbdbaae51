# cython: language_level=3, binding=False
"""The walk of :func:`scrubber.html._walk`, compiled, over libxml2's nodes.

``html._walk`` is the reference: this module does the same steps in the same
order and fills the same ``_Found``, but reads the tree through libxml2's C
structures (``xmlNode`` children/next pointers, attribute lists, text nodes)
instead of making an lxml element object, a tag string and text strings for
every node it passes. Elements that need more than their tag, naming
attributes and text (``<head>``, ``<script>``, ``<meta>``, ``<img>``, a data
row's ``<tr>``...) are handed to the Python helpers of ``html`` as lxml
elements, exactly as the reference does.

It is an optional accelerator: ``html`` uses it when it was built (the
package's build compiles it when Cython and a C compiler are there) and when
the tree is a plain lxml tree; ``tests/test_cwalk.py`` checks that both walks
give identical results on every fixture page and on tricky markup.
"""

from itertools import repeat as _REPEAT

cimport cython
from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_GET_SIZE
from cpython.mem cimport PyMem_Calloc, PyMem_Free, PyMem_Realloc
from cpython.object cimport PyObject
from cpython.ref cimport Py_INCREF
from cpython.tuple cimport PyTuple_GET_ITEM, PyTuple_GET_SIZE, PyTuple_New, PyTuple_SET_ITEM
from cpython.unicode cimport Py_UNICODE_ISSPACE, PyUnicode_DecodeUTF8
from libc.math cimport INFINITY
from libc.string cimport memcpy, memset, strcmp, strlen

cimport lxml.includes.etreepublic as cetree
from lxml.includes cimport tree
from lxml.includes.tree cimport const_xmlChar, xmlAttr, xmlNode

cetree.import_lxml__etree()

cdef object H = None  # scrubber.html, imported on first use (it imports this module)
cdef object _INLINE_K  # html._INLINE, the kind of a tag html._KIND does not name
cdef int K_INLINE, K_SKIP, K_BR, K_IMG  # html's kinds as C ints (for ``_open``)
cdef object _ROLE_PARAGRAPH, _ROLE_LIST_ITEM, _ROLE_QUOTE, _ROLE_CAPTION
cdef object _cjk_break_sub, _hidden_style_search, _tokens_of


cdef void _setup() except *:
    global H, _INLINE_K, K_INLINE, K_SKIP, K_BR, K_IMG
    global _ROLE_PARAGRAPH, _ROLE_LIST_ITEM, _ROLE_QUOTE, _ROLE_CAPTION
    global _cjk_break_sub, _hidden_style_search, _tokens_of
    from scrubber import html
    from scrubber.model import Role
    H = html
    _cjk_break_sub = html._CJK_BREAK.sub
    _hidden_style_search = html._HIDDEN_STYLE.search
    _tokens_of = html.tokens_of
    _INLINE_K = html._INLINE
    K_INLINE, K_SKIP, K_BR, K_IMG = html._INLINE, html._SKIP, html._BR, html._IMG
    _ROLE_PARAGRAPH, _ROLE_LIST_ITEM = Role.PARAGRAPH, Role.LIST_ITEM
    _ROLE_QUOTE, _ROLE_CAPTION = Role.QUOTE, Role.CAPTION


cdef inline str _u(const_xmlChar* s):
    return PyUnicode_DecodeUTF8(<const char*>s, strlen(<const char*>s), NULL)


cdef inline bint _is_element(xmlNode* n) noexcept:
    """What lxml iterates as a child: elements, comments, entity references, PIs."""
    return (n.type == tree.XML_ELEMENT_NODE or n.type == tree.XML_COMMENT_NODE
            or n.type == tree.XML_ENTITY_REF_NODE or n.type == tree.XML_PI_NODE)


cdef inline xmlNode* _text_or_skip(xmlNode* n) noexcept:
    while n is not NULL:
        if n.type == tree.XML_TEXT_NODE or n.type == tree.XML_CDATA_SECTION_NODE:
            return n
        if n.type == tree.XML_XINCLUDE_START or n.type == tree.XML_XINCLUDE_END:
            n = n.next
        else:
            return NULL
    return NULL


cdef str _SPACE = " "  # the blank texts _blank_or_u shares (see _blank_parts)
cdef str _NEWLINE = "\n"


cdef str _blank_or_u(const_xmlChar* s):
    """``_u(s)``, or for text of spaces, tabs, CRs and newlines only (the
    indentation between tags, most text nodes of a page) a shared "\n" when it
    holds a newline and " " when not: what the walk makes of its texts cannot
    tell them apart (``squash`` makes every such run one space, and the CJK
    join reads a run of them holding a newline as one break, whatever else it
    holds), and no new string is made."""
    cdef const unsigned char* p = <const unsigned char*>s
    cdef bint newline = False
    while p[0] != 0:
        if p[0] == 10:
            newline = True
        elif p[0] != 32 and p[0] != 9 and p[0] != 13:
            return _u(s)
        p += 1
    return _NEWLINE if newline else _SPACE


cdef object _collect_text(xmlNode* n):
    """lxml's ``.text`` (from the first child) or ``.tail`` (from the next node)."""
    cdef Py_ssize_t count = 0
    cdef const_xmlChar* last = NULL
    cdef xmlNode* cur
    n = _text_or_skip(n)
    cur = n
    while cur is not NULL:
        if cur.content[0] != 0:
            last = cur.content
        count += 1
        cur = _text_or_skip(cur.next)
    if last is NULL:
        return "" if count > 0 else None
    if count == 1:
        return _blank_or_u(last)
    pieces = []
    while n is not NULL:
        pieces.append(_u(n.content))
        n = _text_or_skip(n.next)
    return "".join(pieces)


cdef inline bint _has_children(xmlNode* n) noexcept:
    """``len(el) > 0`` in lxml's terms."""
    cdef xmlNode* c = n.children
    while c is not NULL:
        if _is_element(c):
            return True
        c = c.next
    return False


cdef inline xmlNode* _next_element(xmlNode* n) noexcept:
    while n is not NULL and not _is_element(n):
        n = n.next
    return n


@cython.freelist(64)  # (a frame per block element: memory of freed ones is reused)
@cython.no_gc  # holds strings, a tuple of them, a list of them and a role: no cycle
cdef class _Frame:
    """``html._Frame``: the block being filled."""
    cdef public str tag
    cdef public str path
    cdef public tuple context
    cdef public object role
    cdef public list parts
    cdef public Py_ssize_t link
    cdef public bint after_link



@cython.freelist(64)  # (an entry per open element: likewise)
@cython.no_gc  # nothing it holds can hold an entry: no cycle, so not tracked by the GC
cdef class _Entry:
    """One open element: the reference walk's stack entry."""
    cdef xmlNode* node
    cdef xmlNode* child  # the next child to visit
    cdef object keep  # the lxml element that keeps a template's document alive
    cdef object doc  # the lxml document of ``node``
    cdef _Frame frame
    cdef str path
    cdef tuple ctx
    cdef bint in_link
    cdef bint hidden
    cdef int* counts  # per tag number (``_Names.tag_number``), the children seen so far
    cdef Py_ssize_t ncounts  # (allocated when the first child is counted)
    cdef _Names names  # what the element names of the entry's document read as
    cdef bint cell_mode
    cdef str fig
    cdef bint own

    def __dealloc__(self):
        PyMem_Free(self.counts)


cdef inline int _count(_Entry entry, Py_ssize_t number) except -1:
    """One more child element of tag ``number`` under ``entry``: its place among
    them (1 for the first), what the reference counts in a dict keyed by tag."""
    cdef Py_ssize_t cap, i
    cdef int* grown
    if number >= entry.ncounts:
        cap = number + 8
        grown = <int*>PyMem_Realloc(entry.counts, cap * sizeof(int))
        if grown is NULL:
            raise MemoryError()
        for i in range(entry.ncounts, cap):
            grown[i] = 0
        entry.counts = grown
        entry.ncounts = cap
    entry.counts[number] += 1
    return entry.counts[number]


cdef inline void _add(_Frame frame, object text, bint in_link) except *:
    if text:
        frame.after_link = False
        frame.parts.append(text)
        if in_link:
            frame.link += _stripped_length(<str>text)


cdef Py_ssize_t _stripped_length(str text) except -1:
    """``len(text.strip())`` without making the stripped copy (``str.strip``
    takes off the characters ``Py_UNICODE_ISSPACE`` names, at both ends)."""
    cdef int kind = PyUnicode_KIND(text)
    cdef void* data = PyUnicode_DATA(text)
    cdef Py_ssize_t start = 0, end = PyUnicode_GET_LENGTH(text)
    while start < end and Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, start)):
        start += 1
    while end > start and Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, end - 1)):
        end -= 1
    return end - start


cdef extern from *:
    """
    /* " ".join(s.split()): the runs of whitespace (str.isspace) between words
       as one space, none at the ends. A string that is so already comes back
       as it is; otherwise the words are copied once, in the string's own
       width, and PyUnicode_FromKindAndData narrows the result as str does. */
    /* Py_UNICODE_ISSPACE (str.isspace) without a call for a character past
       ASCII: those that are white space are U+0085, U+00A0, U+1680,
       U+2000-U+200A, U+2028, U+2029, U+202F, U+205F and U+3000 (the tests
       check every code point), so a CJK character is ruled out by one test. */
    static inline int scrubber_isspace(Py_UCS4 c) {
        if (c < 128) return Py_UNICODE_ISSPACE(c);
        if (c > 0x3000) return 0;
        if (c < 0x1680) return c == 0x85 || c == 0xA0;
        return c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029
               || c == 0x202F || c == 0x205F || c == 0x3000;
    }
    static PyObject* scrubber_squash(PyObject* s) {
        Py_ssize_t n = PyUnicode_GET_LENGTH(s), i, j = 0;
        int kind = PyUnicode_KIND(s), gap = 1, clean = 1;
        const void* d = PyUnicode_DATA(s);
        void* out;
        PyObject* r;
        /* Is it clean already? One loop per width; most characters are
           above U+0020 and no white space, which one or two tests tell. */
    #define SCRUBBER_CLEAN_SCAN(T)                                              \
        {                                                                        \
            const T* p = (const T*)d;                                            \
            for (i = 0; i < n; i++) {                                            \
                Py_UCS4 c = p[i];                                                \
                if (c > 0x20 && (c < 0x85 || c > 0x3000)) { gap = 0; continue; } \
                if (scrubber_isspace(c)) {                                       \
                    if (c != ' ' || gap) { clean = 0; break; }                   \
                    gap = 1;                                                     \
                } else gap = 0;                                                  \
            }                                                                    \
        }
        if (kind == PyUnicode_1BYTE_KIND) SCRUBBER_CLEAN_SCAN(Py_UCS1)
        else if (kind == PyUnicode_2BYTE_KIND) SCRUBBER_CLEAN_SCAN(Py_UCS2)
        else SCRUBBER_CLEAN_SCAN(Py_UCS4)
    #undef SCRUBBER_CLEAN_SCAN
        if (clean && (n == 0 || !gap)) { Py_INCREF(s); return s; }
        out = PyMem_Malloc(n ? n * kind : 1);
        if (out == NULL) return PyErr_NoMemory();
        gap = 0;
    #define SCRUBBER_SQUASH_COPY(T)                                             \
        {                                                                        \
            const T* p = (const T*)d;                                            \
            T* w = (T*)out;                                                      \
            for (i = 0; i < n; i++) {                                            \
                T c = p[i];                                                      \
                if (!(c > 0x20 && (c < 0x85 || c > 0x3000)) && scrubber_isspace(c)) { \
                    gap = j > 0;                                                 \
                    continue;                                                    \
                }                                                                \
                if (gap) { w[j++] = ' '; gap = 0; }                              \
                w[j++] = c;                                                      \
            }                                                                    \
        }
        if (kind == PyUnicode_1BYTE_KIND) SCRUBBER_SQUASH_COPY(Py_UCS1)
        else if (kind == PyUnicode_2BYTE_KIND) SCRUBBER_SQUASH_COPY(Py_UCS2)
        else SCRUBBER_SQUASH_COPY(Py_UCS4)
    #undef SCRUBBER_SQUASH_COPY
        r = PyUnicode_FromKindAndData(kind, out, j);
        PyMem_Free(out);
        return r;
    }
    """
    str scrubber_squash(str s)
    bint scrubber_isspace(Py_UCS4 c) noexcept


def squash(str text):
    """``" ".join(text.split())``, in one pass (``_emit`` runs it on every block)."""
    return scrubber_squash(text)


cdef void _emit(_Frame frame, list texts, list links, list frames) except *:
    if not frame.parts:
        return
    if _blank_parts(frame.parts):  # (what squash makes "" of: no block)
        frame.parts = []
        frame.link = 0
        return
    cdef str text = "".join(frame.parts)
    frame.parts = []
    cdef Py_ssize_t link = frame.link
    frame.link = 0
    if "\n" in text and not text.isascii():
        text = _cjk_join(text)
    text = scrubber_squash(text)  # (" ".join(text.split()) without a list of words)
    if not text:
        return
    texts.append(text)
    links.append(min(1.0, link / len(text)))
    frames.append((frame.tag, frame.path, frame.context, frame.role))


cdef inline bint _blank_parts(list parts) noexcept:
    """Are all ``parts`` the blank texts ``_blank_or_u`` shares (one space, one
    newline)? Most frames emitted between blocks hold only those: their join
    squashes to nothing."""
    cdef Py_ssize_t i
    for i in range(len(parts)):
        p = parts[i]
        if p is not _SPACE and p is not _NEWLINE:
            return False
    return True


cdef object _cjk_table = None  # html._cjk_break_table(), on first use


cdef str _cjk_join(str text):
    """``html._CJK_BREAK.sub("", text)`` in one pass over the newlines: a run
    of ``[ \\t\\r]*\\n\\s*`` goes when a character of the pattern's class stands
    right before it and one right after it, the run taken as long as that
    allows (what the greedy ``\\s*`` backtracks to). Text with characters past
    the BMP goes to the pattern."""
    global _cjk_table
    cdef int kind = PyUnicode_KIND(text)
    if kind == PyUnicode_4BYTE_KIND:
        return _cjk_break_sub("", text)
    if _cjk_table is None:
        _cjk_table = H._cjk_break_table()
    cdef const unsigned char[::1] table = _cjk_table
    cdef void* data = PyUnicode_DATA(text)
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text)
    cdef Py_ssize_t p = 0, a, e, last, done = 0
    cdef Py_UCS4 c
    cdef list pieces = None
    while True:
        p = scrubber_find_nl(text, 10, p, n, 1)
        if p < 0:
            break
        a = p  # the run starts after the last character that is not [ \\t\\r]
        while a > 0:
            c = PyUnicode_READ(kind, data, a - 1)
            if c != 32 and c != 9 and c != 13:
                break
            a -= 1
        if a == 0 or not table[PyUnicode_READ(kind, data, a - 1)] & 1:
            p += 1
            continue
        e = p + 1
        while e < n and table[PyUnicode_READ(kind, data, e)] & 2:
            e += 1
        last = e  # the longest \\s* run, then shorter, until one is followed by the class
        while last > p and not (last < n and table[PyUnicode_READ(kind, data, last)] & 1):
            last -= 1
        if last == p:
            p = e  # nothing of the class after the run: no match through it
            continue
        if pieces is None:
            pieces = []
        pieces.append(text[done:a])
        done = p = last
    if pieces is None:
        return text
    pieces.append(text[done:])
    return "".join(pieces)


def cjk_join(str text):
    """``_cjk_join`` (for the tests)."""
    if H is None:
        _setup()
    return _cjk_join(text)


cdef inline bint _is(const_xmlChar* name, const char* what) noexcept:
    return strcmp(<const char*>name, what) == 0


cdef inline str _joined_tokens(str value, dict memo):
    """``html.tokens_of(value)``, each token after a space (``" main article"``,
    ``""`` for none): what the value adds to a descriptor, remembered for the
    page (the reference's memo of tokens)."""
    got = memo.get(value)
    if got is None:
        if scrubber_is_ascii(value):
            got = memo[value] = _ascii_joined(value)
        else:
            toks = _tokens_of(value)
            got = memo[value] = " " + " ".join(toks) if toks else ""
    return <str>got


cdef extern from "Python.h":
    bint scrubber_is_ascii "PyUnicode_IS_ASCII" (object)


cdef str _ascii_joined(str value):
    """``" " + " ".join(html.tokens_of(value))`` (``""`` for no token) for an
    ASCII value, written in one pass without regexes: each token after a
    space, lower-cased. A token ends where the run of [A-Za-z0-9] ends or a
    lower-case letter meets an upper-case one, so the result is at most two
    characters for each of the value's."""
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(value), j
    cdef unsigned char small[256]
    cdef unsigned char* out = small
    if 2 * n > 256:
        out = <unsigned char*>PyMem_Malloc(2 * n)
        if out is NULL:
            raise MemoryError()
    try:
        j = _write_tokens(<const unsigned char*>PyUnicode_DATA(value), n, out, 0)
        return <str>scrubber_from_kind(PyUnicode_1BYTE_KIND, out, j) if j else ""
    finally:
        if out is not small:
            PyMem_Free(out)


cdef inline Py_ssize_t _write_tokens(const unsigned char* v, Py_ssize_t n, unsigned char* out,
                                     Py_ssize_t j) noexcept:
    """Write the tokens of the ASCII bytes ``v[:n]`` at ``out[j:]``, each after a
    space and lower-cased (at most ``2 * n`` bytes): the new end."""
    cdef Py_ssize_t i
    cdef unsigned char c, prev = 0
    cdef bint inside = False  # in a run of [A-Za-z0-9]
    for i in range(n):
        c = v[i]
        if _ascii_alnum(c):
            if not inside or (_upper_ascii(c) and _lower_ascii(prev)):
                out[j] = 32  # a new token
                j += 1
                inside = True
            out[j] = c | 0x20 if _upper_ascii(c) else c
            j += 1
        else:
            inside = False
        prev = c
    return j


cdef bint _may_hide(str style) noexcept:
    """Whether ``style`` holds "none" in any case: without it ``html._HIDDEN_STYLE``
    (``display\\s*:\\s*none``, case-insensitive) cannot match, since only the
    ASCII letters fold to n, o or e. Most style values are passed over by it."""
    cdef Py_ssize_t i, n = PyUnicode_GET_LENGTH(style)
    cdef int kind = PyUnicode_KIND(style)
    cdef void* data = PyUnicode_DATA(style)
    for i in range(n - 3):
        if (_folded(kind, data, i) == 0x6E and _folded(kind, data, i + 1) == 0x6F
                and _folded(kind, data, i + 2) == 0x6E and _folded(kind, data, i + 3) == 0x65):
            return True
    return False


cdef inline unsigned int _folded(int kind, void* data, Py_ssize_t i) noexcept:
    """Character ``i``, with an ASCII capital's bit set (``N`` -> ``n``)."""
    return (<unsigned int>PyUnicode_READ(kind, data, i)) | 0x20u


def may_hide(str style):
    """``_may_hide`` for the tests."""
    return _may_hide(style)


cdef inline bint _lower_ascii(Py_UCS4 c) noexcept:
    return c >= 97 and c <= 122  # a-z


cdef inline bint _upper_ascii(Py_UCS4 c) noexcept:
    return c >= 65 and c <= 90  # A-Z


cdef inline bint _ascii_alnum(unsigned char c) noexcept:
    return _lower_ascii(c) or _upper_ascii(c) or (c >= 48 and c <= 57)


cdef inline tuple _appended(tuple items, object last):
    """``items + (last,)``, made as one new tuple (without the one-item tuple
    and the generic addition)."""
    cdef Py_ssize_t i, n = PyTuple_GET_SIZE(items)
    cdef tuple out = PyTuple_New(n + 1)
    cdef object item
    for i in range(n):
        item = <object>PyTuple_GET_ITEM(items, i)
        Py_INCREF(item)
        PyTuple_SET_ITEM(out, i, item)
    Py_INCREF(last)
    PyTuple_SET_ITEM(out, n, last)
    return out


cdef tuple _NAMING = (b"class", b"id", b"role", b"itemprop")  # (the order of their tokens)


cdef inline const unsigned char* _plain_value(xmlAttr* a) noexcept:
    """An attribute's value as libxml2 holds it, when that is what lxml's
    ``get`` gives: no child (``""``) or one text node. ``NULL`` otherwise."""
    cdef xmlNode* c = a.children
    if c is NULL:
        return <const unsigned char*>""
    if c.next is NULL and c.type == tree.XML_TEXT_NODE:
        return <const unsigned char*>c.content
    return NULL


cdef object _ascii_descriptor(str tag, xmlAttr** names, bint hidden):
    """The element's descriptor (see ``_open``) from its ASCII tag and the
    UTF-8 bytes of its naming attributes (``names``: class, id, role,
    itemprop, ``NULL`` when absent), written in one buffer: each value's
    tokens as :func:`_ascii_joined` writes them. ``None`` when the tag or a
    value is not ASCII, or a value is not one text node: the caller then
    reads the values as strs."""
    if not scrubber_is_ascii(tag):
        return None
    cdef const unsigned char* values[4]
    cdef Py_ssize_t lengths[4]
    cdef Py_ssize_t k, i, j, size = PyUnicode_GET_LENGTH(tag) + 8  # (" @hidden")
    cdef const unsigned char* v
    for k in range(4):
        values[k] = NULL
        lengths[k] = 0
        if names[k] is NULL:
            continue
        v = _plain_value(names[k])
        if v is NULL:
            return None
        i = 0
        while v[i] != 0:
            if v[i] >= 0x80:
                return None
            i += 1
        values[k] = v
        lengths[k] = i
        size += 2 * i
    if size == PyUnicode_GET_LENGTH(tag) + 8 and not hidden:
        return tag  # no value: the bare tag, as it is
    cdef unsigned char small[512]
    cdef unsigned char* out = small
    if size > 512:
        out = <unsigned char*>PyMem_Malloc(size)
        if out is NULL:
            raise MemoryError()
    try:
        j = PyUnicode_GET_LENGTH(tag)
        memcpy(out, PyUnicode_DATA(tag), j)
        for k in range(4):
            if values[k] is not NULL:
                j = _write_tokens(values[k], lengths[k], out, j)
        if hidden:
            memcpy(out + j, <const char*>" @hidden", 8)
            j += 8
        if j == PyUnicode_GET_LENGTH(tag):
            return tag
        return scrubber_from_kind(PyUnicode_1BYTE_KIND, out, j)
    finally:
        if out is not small:
            PyMem_Free(out)


def ascii_joined(str value):
    """``_ascii_joined`` (for the tests); ASCII values only."""
    if not value.isascii():
        raise ValueError("ascii_joined takes ASCII values only")
    return _ascii_joined(value)


cdef inline _Frame _new_frame(str tag, str path, tuple context, object role):
    cdef _Frame f = _Frame.__new__(_Frame)
    f.tag = tag
    f.path = path
    f.context = context
    f.role = role
    f.parts = []
    f.link = 0
    f.after_link = False
    return f


cdef inline bint _is_plain_a(xmlNode* n) noexcept:
    """``el.tag == "a"``."""
    return n.type == tree.XML_ELEMENT_NODE and n.ns is NULL and _is(n.name, "a")


cdef object _attr_value(xmlAttr* a, object doc, xmlNode* owner, bytes name):
    """The value lxml's ``el.get(name)`` gives for the attribute ``a``."""
    cdef xmlNode* c = a.children
    if c is NULL:
        return ""
    if c.next is NULL and c.type == tree.XML_TEXT_NODE:
        return _u(c.content)
    return cetree.elementFactory(doc, owner).get(name.decode())


cdef object _get(xmlNode* n, object doc, const char* name, bytes pyname):
    """lxml's ``el.get(name)`` for a name without a namespace, read off the
    attribute list without making ``el``: the value, or ``None``."""
    cdef xmlAttr* a = n.properties
    while a is not NULL:
        if a.ns is NULL and _is(a.name, name):
            return _attr_value(a, doc, n, pyname)
        a = a.next
    return None


cdef inline void _author_link(object el, xmlNode* n, object doc, object found) except *:
    """The reference's author link: the text of the first ``<a rel="author">``.
    The attribute is read off the node, so most links need no element object,
    and only a link whose rel may be "author" asks whether one was found."""
    if not _may_be_author(n):
        return
    if found.author_link:
        return
    if _get(n, doc, "rel", b"rel") == "author":
        if el is None:
            el = cetree.elementFactory(doc, n)
        found.author_link = " ".join(H._text_content(el).split())


cdef inline bint _may_be_author(xmlNode* n) noexcept:
    """Could ``el.get("rel")`` be "author"? Not when the element has no rel
    attribute, or its rel is one text node other than "author" (the value
    of several nodes, an entity in it, is left to ``el.get``)."""
    cdef xmlAttr* a = n.properties
    cdef xmlNode* c
    while a is not NULL:
        if a.ns is NULL and _is(a.name, "rel"):
            c = a.children
            if c is NULL:
                return False  # ("")
            if c.next is NULL and c.type == tree.XML_TEXT_NODE:
                return strcmp(<const char*>c.content, "author") == 0
            return True
        a = a.next
    return False


def walk(root, found, url):
    """``html._walk(root, found, url)`` for a plain lxml element ``root``."""
    if H is None:
        _setup()
    cdef list texts = found.texts, links = found.links, frames = found.frames
    cdef dict memo = {}
    cdef dict kind_of = H._KIND, role_of = H._ROLE_OF  # (read with dict.get, inlined)
    cdef _Frame top = _new_frame("body", "", (), _ROLE_PARAGRAPH)
    cdef _Entry sentinel = _Entry.__new__(_Entry)
    sentinel.node = NULL
    sentinel.child = NULL
    sentinel.frame = top
    sentinel.path = ""
    sentinel.ctx = ()
    sentinel.in_link = False
    sentinel.hidden = False
    sentinel.names = _Names()
    sentinel.cell_mode = False
    sentinel.fig = ""
    sentinel.own = False
    cdef object doc = (<cetree._Element>root)._doc
    cdef _Entry first = _open(root, (<cetree._Element>root)._c_node, sentinel, doc, found,
                              url, memo, kind_of, role_of, texts, links, frames)
    if first is None:
        _emit(top, texts, links, frames)
        return
    cdef list stack = [first]
    cdef _Entry entry, got
    cdef xmlNode* child
    # an element with children this deep is past found.max_depth (0: no limit)
    cdef Py_ssize_t too_deep = <Py_ssize_t>found.max_depth + 2 if found.max_depth else -1
    while stack:
        entry = stack[-1]
        child = entry.child
        if child is not NULL:
            entry.child = _next_element(child.next)
            got = _open(None, child, entry, entry.doc, found, url, memo, kind_of,
                        role_of, texts, links, frames)
            if got is not None:
                if got.keep is not None or got.child is not NULL:
                    # (a template's content is read in place)
                    stack.append(got)
                    if len(stack) == too_deep:
                        found.too_deep = True  # the caller reads the page again
                        return
                else:  # a leaf ends where it starts
                    _close(got, entry, texts, links, frames)
            continue
        stack.pop()
        if stack:
            _close(entry, stack[-1], texts, links, frames)
        elif entry.own:
            _emit(entry.frame, texts, links, frames)
    _emit(top, texts, links, frames)


cdef void _close(_Entry entry, _Entry parent, list texts, list links,
                 list frames) except *:
    """The reference's ``close_el``."""
    if entry.own:
        _emit(entry.frame, texts, links, frames)
    cdef xmlNode* n = entry.node
    if _is_plain_a(n) and parent.frame.parts:
        parent.frame.after_link = True
    _add(parent.frame, _collect_text(n.next), parent.in_link)


cdef struct _NameSlot:
    const_xmlChar* name  # NULL: an empty slot
    PyObject* raw  # the name as a str (what lxml's el.tag is without a namespace)
    PyObject* tag  # the tag the walk reads it as: lower-cased, past any "}"
    PyObject* kind  # html._KIND.get(tag, html._INLINE)
    PyObject* role  # html._ROLE_OF.get(tag), None when absent
    int kind_c  # kind as a C int (html._INLINE ... html._BLOCK)
    int code  # _code_of(tag): which of the tags ``_open`` tests for it is, else 0
    Py_ssize_t number  # the tag's number in its table (``_Names.tag_number``)


# The tags ``_open`` asks about by name, as C ints: a slot holds its tag's code,
# so each test is an int comparison instead of a string comparison per element.
cdef enum:
    T_OTHER = 0
    T_A = 1
    T_TIME = 2
    T_HTML = 3
    T_BODY = 4
    T_TD = 5
    T_TH = 6
    T_H1 = 7
    T_FIGURE = 8
    T_FIGCAPTION = 9
    T_TR = 10
    T_HEAD = 11
    T_META = 12
    T_LINK = 13
    T_SCRIPT = 14
    T_TITLE = 15

cdef dict _CODES = {
    "a": T_A, "time": T_TIME, "html": T_HTML, "body": T_BODY, "td": T_TD, "th": T_TH,
    "h1": T_H1, "figure": T_FIGURE, "figcaption": T_FIGCAPTION, "tr": T_TR,
    "head": T_HEAD, "meta": T_META, "link": T_LINK, "script": T_SCRIPT, "title": T_TITLE,
}


cdef inline int _code_of(str tag) except -1:
    """The ``T_*`` code of a tag the walk reads (``T_OTHER`` for the rest)."""
    got = _CODES.get(tag)
    return T_OTHER if got is None else <int>got


cdef tuple _tag_kind(str raw, dict kind_of):
    """The tag the walk reads lxml's ``el.tag`` ``raw`` as (lower-cased, past any
    ``}``) and its kind, as the reference reads them."""
    kind = kind_of.get(raw)
    if kind is not None:
        return raw, kind
    tag = (raw.rpartition("}")[2] if "}" in raw else raw).lower()
    return tag, kind_of.get(tag, _INLINE_K)


cdef class _Names:
    """Per document, what each element name reads as, found by the name's
    pointer: libxml2 keeps one copy of each name in the document's dictionary,
    so this is one hash of a pointer per element instead of a Python int made
    from it and three dict lookups (the name, its kind, its role). The objects
    the slots point at are owned by ``keep``."""
    cdef _NameSlot* slots
    cdef size_t mask
    cdef Py_ssize_t used
    cdef list keep
    cdef dict numbers  # tag -> its number: names read as one tag ("DIV", "div") share it

    def __cinit__(self):
        self.numbers = {}
        self.slots = <_NameSlot*>PyMem_Calloc(64, sizeof(_NameSlot))
        if self.slots is NULL:
            raise MemoryError()
        self.mask = 63
        self.used = 0
        self.keep = []

    def __dealloc__(self):
        PyMem_Free(self.slots)

    cdef inline _NameSlot* find(self, const_xmlChar* name) except NULL:
        cdef size_t i = ((<size_t>name) >> 3) & self.mask
        cdef _NameSlot* slot
        while True:
            slot = &self.slots[i]
            if slot.name == name:
                return slot
            if slot.name is NULL:
                return self._fill(slot, name)
            i = (i + 1) & self.mask

    cdef _NameSlot* _fill(self, _NameSlot* slot, const_xmlChar* name) except NULL:
        raw = _u(name)
        tag, kind = _tag_kind(raw, H._KIND)
        role = H._ROLE_OF.get(tag)
        self.keep.append((raw, tag, kind, role))
        slot.name = name
        slot.raw = <PyObject*>raw
        slot.tag = <PyObject*>tag
        slot.kind = <PyObject*>kind
        slot.role = <PyObject*>role
        slot.kind_c = <int>kind
        slot.code = _code_of(tag)
        slot.number = self.tag_number(tag)
        self.used += 1
        if <size_t>self.used * 2 > self.mask:
            self._grow()
            return self.find(name)
        return slot

    cdef Py_ssize_t tag_number(self, str tag) except -1:
        """A number per tag read in this table's document, from 0 (the walk counts
        each element's children per tag in an array indexed by it)."""
        got = self.numbers.get(tag)
        if got is None:
            got = self.numbers[tag] = len(self.numbers)
        return <Py_ssize_t>got

    cdef int _grow(self) except -1:
        cdef size_t old_size = self.mask + 1, i, j, mask = old_size * 2 - 1
        cdef _NameSlot* old = self.slots
        cdef _NameSlot* new = <_NameSlot*>PyMem_Calloc(old_size * 2, sizeof(_NameSlot))
        if new is NULL:
            raise MemoryError()
        for i in range(old_size):
            if old[i].name is not NULL:
                j = ((<size_t>old[i].name) >> 3) & mask
                while new[j].name is not NULL:
                    j = (j + 1) & mask
                new[j] = old[i]
        self.slots = new
        self.mask = mask
        PyMem_Free(old)
        return 0


def name_slot(el, _Names names=None):
    """What ``_Names`` gives for ``el``'s name (raw name, tag, kind, role, and
    the kind and tag code as C ints), for the tests."""
    if H is None:
        _setup()
    if names is None:
        names = _Names()
    cdef _NameSlot* slot = names.find((<cetree._Element>el)._c_node.name)
    return (<object>slot.raw, <object>slot.tag, <object>slot.kind, <object>slot.role,
            slot.kind_c, slot.code)


cdef int _data_row(xmlNode* tr, _Names names) except -2:
    """``html._is_data_row`` read off libxml2's nodes: 1 if the row has two or
    more ``td``/``th`` children and no element of ``html._LAYOUT_IN_ROW`` below
    it, else 0; -1 when an element in the row has a namespace (its lxml tag is
    then ``{ns}name``: the caller asks the reference)."""
    cdef xmlNode* c = tr.children
    cdef xmlNode* n
    cdef int cells = 0
    while c is not NULL:
        if c.type == tree.XML_ELEMENT_NODE:
            if c.ns is not NULL:
                return -1
            if _is(c.name, "td") or _is(c.name, "th"):
                cells += 1
        c = c.next
    if cells < 2:
        return 0
    layout = H._LAYOUT_IN_ROW
    n = tr.children
    while n is not NULL:  # the row's descendants, in document order
        if n.type == tree.XML_ELEMENT_NODE:
            if n.ns is not NULL:
                return -1
            if <object>names.find(n.name).raw in layout:
                return 0
        n = _next_in(n, tr)
    return 1


cdef inline xmlNode* _next_in(xmlNode* n, xmlNode* root) noexcept:
    """The node after ``n`` below ``root`` in document order (an element's
    children first, as ``el.iter()`` goes), or NULL after the last."""
    if n.type == tree.XML_ELEMENT_NODE and n.children is not NULL:
        return n.children
    while n is not root and n.next is NULL:
        n = n.parent
    return NULL if n is root else n.next


cdef bint _scan_head(xmlNode* head, object doc, object found) except -1:
    """``html._scan_head`` read off the nodes: the title, ``<meta>``,
    ``<link>`` and JSON-LD scripts below ``head``, in document order. False,
    having done nothing, when an element below has a namespace (the caller
    then asks the reference)."""
    cdef xmlNode* n = head.children
    while n is not NULL:
        if n.type == tree.XML_ELEMENT_NODE and n.ns is not NULL:
            return False
        n = _next_in(n, head)
    n = head.children
    while n is not NULL:
        if n.type == tree.XML_ELEMENT_NODE:
            if _is(n.name, "meta"):
                _meta(n, doc, found)
            elif _is(n.name, "link"):
                _link(n, doc, found)
            elif _is(n.name, "title"):
                if not found.doc_title:
                    found.doc_title = _squashed_text(n, doc)
            elif _is(n.name, "script") and "ld+json" in (_get(n, doc, "type", b"type") or ""):
                found.jsonld.append(cetree.elementFactory(doc, n).text or "")
        n = _next_in(n, head)
    return True


cdef void _meta(xmlNode* n, object doc, object found) except *:
    """``html._meta`` read off the node's attributes, in one pass over them (each
    name's first, as ``el.get`` reads it); the content squashed in one pass."""
    cdef xmlAttr* a = n.properties
    cdef xmlAttr* named[3]  # property, name, itemprop: the key is the first not empty
    cdef xmlAttr* content_at = NULL
    cdef int k
    named[0] = named[1] = named[2] = NULL
    while a is not NULL:
        if a.ns is NULL:
            if named[0] is NULL and _is(a.name, "property"):
                named[0] = a
            elif named[1] is NULL and _is(a.name, "name"):
                named[1] = a
            elif named[2] is NULL and _is(a.name, "itemprop"):
                named[2] = a
            elif content_at is NULL and _is(a.name, "content"):
                content_at = a
        a = a.next
    if content_at is NULL:
        return
    content = _attr_value(content_at, doc, n, b"content")
    if not content:
        return
    key = None
    for k in range(3):
        if named[k] is not NULL:
            key = _attr_value(named[k], doc, n, _META_NAMES[k])
            if key:
                break
    if not key:
        return
    key = key.strip().lower()
    if key:
        meta = found.meta
        if key not in meta:
            meta[key] = scrubber_squash(content)


cdef tuple _META_NAMES = (b"property", b"name", b"itemprop")


cdef str _squashed_text(xmlNode* n, object doc):
    """``" ".join(html._text_content(el).split())`` for the element ``n``: its
    string value (the text and CDATA nodes below it, in document order), read
    off the nodes, squashed. Below an element a title or a heading seldom
    holds, an entity reference say, the XPath of the reference reads it."""
    cdef xmlNode* c = n.children
    cdef list parts = None
    cdef str one = None
    while c is not NULL:
        if c.type == tree.XML_TEXT_NODE or c.type == tree.XML_CDATA_SECTION_NODE:
            if c.content is not NULL and c.content[0] != 0:
                if one is None and parts is None:
                    one = _u(c.content)
                else:
                    if parts is None:
                        parts = [one]
                    parts.append(_u(c.content))
        elif c.type != tree.XML_ELEMENT_NODE and c.type != tree.XML_COMMENT_NODE \
                and c.type != tree.XML_PI_NODE:
            # (str(): the XPath's result is a str subclass holding the element)
            return scrubber_squash(str(H._text_content(cetree.elementFactory(doc, n))))
        # depth first, in document order (the element's own subtree only)
        if c.type == tree.XML_ELEMENT_NODE and c.children is not NULL:
            c = c.children
            continue
        while c is not NULL and c.next is NULL:
            c = c.parent
            if c is n:
                c = NULL
        if c is not NULL:
            c = c.next
    if parts is not None:
        return scrubber_squash("".join(parts))
    return scrubber_squash(one) if one is not None else ""


cdef void _link(xmlNode* n, object doc, object found) except *:
    """``html._link`` read off the node's attributes."""
    rel = (_get(n, doc, "rel", b"rel") or "").lower()
    if rel == "canonical" and not found.canonical:
        found.canonical = _get(n, doc, "href", b"href") or ""


cdef void _image(xmlNode* n, object doc, object found, object url, str path,
                 object fig) except *:
    """``html._image`` read off the node's attributes."""
    cdef dict joined
    images = found.images
    if len(images) >= H._MAX_IMAGES:
        return
    src = _get(n, doc, "src", b"src") or ""
    if not src or _data_uri(src):
        src = (_get(n, doc, "data-src", b"data-src")
               or _get(n, doc, "data-original", b"data-original")
               or _get(n, doc, "data-lazy-src", b"data-lazy-src") or "")
    if not src or _data_uri(src):
        return
    if url:
        joined = found.joined  # (once per source and page: see _Found.joined)
        got = joined.get(src)
        if got is None:
            try:
                got = H.join_url(url, src)
            except ValueError:
                got = src
            joined[src] = got
        src = got
    # (squash: " ".join(alt.split()) in one pass)
    img = {"src": src, "alt": scrubber_squash(_get(n, doc, "alt", b"alt") or ""), "path": path}
    if fig:
        img["figure"] = fig
    images.append(img)


cdef inline bint _data_uri(str src) except -1:
    """``src.startswith("data:")``."""
    return PyUnicode_Tailmatch(src, "data:", 0, PyUnicode_GET_LENGTH(src), -1) == 1


def image(el, found, url, path, fig):
    """``_image`` of an lxml element (for the tests)."""
    if H is None:
        _setup()
    _image((<cetree._Element>el)._c_node, (<cetree._Element>el)._doc, found, url, path, fig)


def last_chain(root, Py_ssize_t limit):
    """How far ``html._ends_deep_py`` goes down from ``root``, at most ``limit``
    steps: each step to the last child lxml counts (``len(el)``, then
    ``el[len(el) - 1]``: an element, comment, PI or entity reference), read
    off libxml2's nodes without making an lxml element per step."""
    if not isinstance(root, cetree._Element):
        raise TypeError(f"an lxml element, not {type(root).__name__}")
    cdef xmlNode* n = (<cetree._Element>root)._c_node
    cdef xmlNode* c
    cdef Py_ssize_t depth = 0
    while depth < limit:
        c = n.last
        while c is not NULL and not _is_element(c):
            c = c.prev
        if c is NULL:
            break
        n = c
        depth += 1
    return depth


def scan_head(el, found):
    """``_scan_head`` of an lxml element (for the tests)."""
    if H is None:
        _setup()
    return _scan_head((<cetree._Element>el)._c_node, (<cetree._Element>el)._doc, found)


def data_row(el):
    """``_data_row`` of an lxml element (for the tests); ``None`` for -1."""
    if H is None:
        _setup()
    got = _data_row((<cetree._Element>el)._c_node, _Names())
    return None if got < 0 else bool(got)


cdef extern from *:
    """
    /* The decimal digits of N >= 0 into BUF (24 bytes at least), most
       significant first; their count. */
    static int scrubber_digits(char* buf, Py_ssize_t n) {
        char rev[24];
        int nd = 0, k;
        do { rev[nd++] = (char)('0' + n % 10); n /= 10; } while (n);
        for (k = 0; k < nd; k++) buf[k] = rev[nd - 1 - k];
        return nd;
    }
    /* PARENT + "/" + TAG + "[" + NTH + "]" (what the f-string gives): for ASCII
       PARENT and TAG written into one new string, without a tuple of pieces
       or an int made into a str; otherwise by PyUnicode_FromFormat. */
    static PyObject* scrubber_nth_path(PyObject* parent, PyObject* tag, Py_ssize_t nth) {
        char digits[24];
        int nd;
        Py_ssize_t lp, lt;
        PyObject* out;
        Py_UCS1* w;
        if (!PyUnicode_IS_ASCII(parent) || !PyUnicode_IS_ASCII(tag) || nth < 0)
            return PyUnicode_FromFormat("%U/%U[%zd]", parent, tag, nth);
        nd = scrubber_digits(digits, nth);
        lp = PyUnicode_GET_LENGTH(parent);
        lt = PyUnicode_GET_LENGTH(tag);
        out = PyUnicode_New(lp + lt + nd + 3, 127);
        if (out == NULL) return NULL;
        w = PyUnicode_1BYTE_DATA(out);
        memcpy(w, PyUnicode_1BYTE_DATA(parent), lp); w += lp;
        *w++ = '/';
        memcpy(w, PyUnicode_1BYTE_DATA(tag), lt); w += lt;
        *w++ = '[';
        memcpy(w, digits, nd); w += nd;
        *w = ']';
        return out;
    }
    /* "line " + N (what the f-string gives), written into one new ASCII string. */
    static PyObject* scrubber_line_label(Py_ssize_t n) {
        char digits[24];
        int nd;
        PyObject* out;
        if (n < 0) return PyUnicode_FromFormat("line %zd", n);
        nd = scrubber_digits(digits, n);
        out = PyUnicode_New(5 + nd, 127);
        if (out == NULL) return NULL;
        memcpy(PyUnicode_1BYTE_DATA(out), "line ", 5);
        memcpy(PyUnicode_1BYTE_DATA(out) + 5, digits, nd);
        return out;
    }
    """
    object scrubber_nth_path(object parent, object tag, Py_ssize_t nth)
    object scrubber_line_label(Py_ssize_t n)


def line_labels(list numbers):
    """``[f"line {n}" for n in numbers]`` (the paths of plain-text blocks)."""
    return [scrubber_line_label(<Py_ssize_t>n) for n in numbers]


cdef inline str _nth_path(str parent, str tag, Py_ssize_t nth):
    """``f"{parent}/{tag}[{nth}]"``."""
    return <str>scrubber_nth_path(parent, tag, nth)


def nth_path(str parent, str tag, Py_ssize_t nth):
    """``_nth_path``, for the tests."""
    return _nth_path(parent, tag, nth)


cdef _Entry _open(object el, xmlNode* n, _Entry parent, object doc, object found, object url,
                  dict memo, dict kind_of, dict role_of, list texts,
                  list links, list frames):
    """The reference's ``open_el``: a new entry if ``n`` has children to visit."""
    cdef _Frame frame = parent.frame
    cdef xmlAttr* a
    cdef bint hidden_here, in_link, cell_mode, own, has_attrs
    cdef Py_ssize_t k, nth
    if n.type != tree.XML_ELEMENT_NODE:  # comment, PI, entity: only the tail counts
        _add(frame, _collect_text(n.next), parent.in_link)
        return None
    cdef _NameSlot* slot
    cdef int kc, tc  # the element's kind and tag code (``_NameSlot``)
    cdef Py_ssize_t tid  # its tag's number
    if n.ns is NULL:
        slot = parent.names.find(n.name)
        tag = <object>slot.tag
        kc = slot.kind_c
        tc = slot.code
        tid = slot.number
        role_here = <object>slot.role
    else:  # lxml's el.tag is then "{namespace}name"
        tag, kind = _tag_kind(cetree.elementFactory(doc, n).tag, kind_of)
        kc = <int>kind
        tc = _code_of(tag)
        tid = parent.names.tag_number(tag)
        role_here = role_of.get(tag)
    if kc == K_SKIP:
        # <head>, <meta> and <link> are read off the node; the others need el
        if tc == T_HEAD:
            if not _scan_head(n, doc, found):
                H._scan_head(el if el is not None else cetree.elementFactory(doc, n), found)
        elif tc == T_META:
            _meta(n, doc, found)
        elif tc == T_LINK:
            _link(n, doc, found)
        elif tc == T_SCRIPT:
            # (the type read off the node: most scripts have none, or
            # text/javascript, and need no element object)
            typ = _get(n, doc, "type", b"type")
            if typ:  # (absent or empty: neither JSON-LD nor a template)
                typ = typ.strip().lower()
                if "ld+json" in typ:
                    if el is None:
                        el = cetree.elementFactory(doc, n)
                    found.jsonld.append(el.text or "")
                elif typ in H._TEMPLATE_TYPES and parent.ctx and H._names_story(parent.ctx[-1]):
                    if el is None:
                        el = cetree.elementFactory(doc, n)
                    got = _template(el, n, parent, found, texts, links, frames)
                    if got is not None:
                        return got
        elif tc == T_TITLE and not found.doc_title:
            found.doc_title = _squashed_text(n, doc)
        _add(frame, _collect_text(n.next), parent.in_link)
        return None
    nth = _count(parent, tid)  # (a C integer: formatted without a Python int)
    if kc == K_BR:
        _emit(frame, texts, links, frames)
        _add(frame, _collect_text(n.next), parent.in_link)
        return None
    cdef bint leaf = not _has_children(n)
    if kc == K_INLINE and leaf:
        in_link = parent.in_link
        if tc == T_A:
            _author_link(el, n, doc, found)
            if frame.after_link:
                frame.parts.append(" ")
        elif tc == T_TIME and not found.time:
            if el is None:
                el = cetree.elementFactory(doc, n)
            found.time = el.get("datetime") or ""
        _add(frame, _collect_text(n.children), in_link or tc == T_A)
        if _is_plain_a(n) and frame.parts:  # the reference reads el.tag, not the lowered tag
            frame.after_link = True
        _add(frame, _collect_text(n.next), in_link)
        return None
    cdef bint phidden = parent.hidden
    # The naming attributes, read off the attribute list (what el.keys() and
    # el.get() would give: namespaced attributes have other names).
    has_attrs = n.properties is not NULL
    # A value is None when the attribute is absent ("" when present and empty).
    # The four that name the element are kept as attributes until the descriptor
    # is made: most are ASCII, and their tokens are then read off libxml2's bytes.
    v_aria = v_style = None
    cdef xmlAttr* names[4]  # class, id, role, itemprop (NULL: absent)
    names[0] = names[1] = names[2] = names[3] = NULL
    cdef bint has_hidden = False
    cdef unsigned char first
    a = n.properties
    while a is not NULL:
        if a.ns is NULL:
            # (by the first letter, then the whole name: most attributes, href,
            # src, target, data-*, name none of these and cost one test)
            first = a.name[0]
            if first == c'c':
                if _is(a.name, "class"):
                    names[0] = a
            elif first == c'i':
                if _is(a.name, "id"):
                    names[1] = a
                elif _is(a.name, "itemprop"):
                    names[3] = a
            elif first == c'r':
                if _is(a.name, "role"):
                    names[2] = a
            elif first == c'h':
                if _is(a.name, "hidden"):
                    has_hidden = True
            elif first == c'a':
                if _is(a.name, "aria-hidden"):
                    v_aria = _attr_value(a, doc, n, b"aria-hidden")
            elif first == c's':
                if _is(a.name, "style"):
                    v_style = _attr_value(a, doc, n, b"style")
        a = a.next
    if has_attrs:
        hidden_here = not phidden and (
            has_hidden or (v_aria is not None and v_aria == "true")
            or bool(v_style and _may_hide(v_style) and _hidden_style_search(v_style)))
        # " ".join([tag, *tokens..., "@hidden"]): in one pass when the tag and the
        # values are ASCII, else one value's tokens at a time (adding "" to a str
        # gives the str itself: no copy for a bare tag)
        desc = _ascii_descriptor(tag, names, hidden_here)
        if desc is None:
            desc = tag
            for k in range(4):
                if names[k] is not NULL:
                    value = _attr_value(names[k], doc, n, _NAMING[k])
                    if value:
                        desc = desc + _joined_tokens(value, memo)
            if hidden_here:
                desc = desc + " @hidden"
    else:
        hidden_here = False
        desc = tag
    if tc != T_HTML and tc != T_BODY:
        path = _nth_path(parent.path, tag, nth)
    else:
        path = f"{parent.path}/{tag}"
    ctx = _appended(parent.ctx, desc)
    fig = parent.fig
    if kc == K_IMG:
        _image(n, doc, found, url, path, fig)
        _add(frame, _collect_text(n.next), parent.in_link)
        return None
    in_link = parent.in_link
    cell_mode = parent.cell_mode
    own = False
    if kc == K_INLINE:
        if tc == T_A:
            _author_link(el, n, doc, found)
            if frame.after_link:
                frame.parts.append(" ")
            in_link = True
        elif tc == T_TIME and not found.time:
            if el is None:
                el = cetree.elementFactory(doc, n)
            found.time = el.get("datetime") or ""
    elif cell_mode and (tc == T_TD or tc == T_TH):
        if frame.parts:
            frame.parts.append(" | ")
    else:
        _emit(frame, texts, links, frames)
        if tc == T_H1:
            found.h1.append(_squashed_text(n, doc))
        elif tc == T_FIGURE:
            fig = path
        prole = frame.role
        role = role_here or (prole if (prole is _ROLE_LIST_ITEM or prole is _ROLE_QUOTE
                                          or prole is _ROLE_CAPTION) else _ROLE_PARAGRAPH)
        if tc == T_TR:
            got = _data_row(n, parent.names)
            if got < 0:  # namespaced elements in the row: as the reference reads them
                if el is None:
                    el = cetree.elementFactory(doc, n)
                got = H._is_data_row(el)
            if got:
                cell_mode = True
            else:
                role = _ROLE_PARAGRAPH
        frame = _new_frame(tag, path, ctx, role)
        own = True
        if tc == T_FIGCAPTION and fig:
            found.figure_of[len(texts)] = fig
    _add(frame, _collect_text(n.children), in_link)
    cdef _Entry e = _Entry.__new__(_Entry)
    e.node = n
    e.child = NULL if leaf else _next_element(n.children)
    e.keep = None
    e.doc = doc
    e.frame = frame
    e.path = path
    e.ctx = ctx
    e.in_link = in_link
    e.hidden = phidden or hidden_here
    e.names = parent.names
    e.cell_mode = cell_mode
    e.fig = fig
    e.own = own
    return e


cdef _Entry _template(object el, xmlNode* n, _Entry parent, object found, list texts,
                      list links, list frames):
    """The reference's ``_template``: an entry reading a template script's markup in place."""
    markup = el.text or ""
    if "<" not in markup:
        return None
    try:
        tdoc = H.etree.fromstring(f"<div>{markup}</div>", H._PARSER)
    except (H.etree.ParserError, ValueError, TypeError):
        return None
    content = tdoc.find("body/div") if tdoc is not None else None
    if content is None or len("".join(H._text_content(content).split())) < H._TEMPLATE_MIN_CHARS:
        return None
    content.tail = el.tail
    k = 1 + sum(1 for _ in el.itersiblings("script", preceding=True))
    path = f"{parent.path}/script[{k}]"
    ctx = (*parent.ctx, "script template")
    _emit(parent.frame, texts, links, frames)
    cdef _Frame frame = _new_frame("script", path, ctx, _ROLE_PARAGRAPH)
    _add(frame, content.text, parent.in_link)
    cdef _Entry e = _Entry.__new__(_Entry)
    e.node = (<cetree._Element>content)._c_node
    e.child = _next_element(e.node.children)
    e.keep = content
    e.doc = (<cetree._Element>content)._doc
    e.frame = frame
    e.path = path
    e.ctx = ctx
    e.in_link = parent.in_link
    e.hidden = parent.hidden
    e.names = _Names()  # another document: its own name pointers
    e.cell_mode = False
    e.fig = parent.fig
    e.own = True
    return e


cdef extern from "Python.h":
    int PyUnicode_KIND(object)
    void* PyUnicode_DATA(object)
    Py_ssize_t PyUnicode_GET_LENGTH(object)
    Py_UCS4 PyUnicode_READ(int kind, void* data, Py_ssize_t index)
    void PyUnicode_WRITE(int kind, void* data, Py_ssize_t index, unsigned int value)
    Py_UCS4 PyUnicode_MAX_CHAR_VALUE(object)
    object PyUnicode_New(Py_ssize_t size, Py_UCS4 maxchar)
    dict PyDict_Copy(object)
    object PyUnicode_Substring(object, Py_ssize_t, Py_ssize_t)
    Py_ssize_t PyUnicode_FindChar(object, Py_UCS4, Py_ssize_t, Py_ssize_t, int) except -2
    int PyUnicode_Contains(object, object) except -1
    ctypedef unsigned char Py_UCS1
    ctypedef unsigned short Py_UCS2
    enum:
        PyUnicode_1BYTE_KIND
        PyUnicode_2BYTE_KIND
        PyUnicode_4BYTE_KIND


cdef extern from *:
    """
    /* Runs of 256 characters are tested without a branch per character, which
       the compiler turns into vector instructions; the flag is looked at after
       each run. C0 controls other than tab, newline and CR; U+FFFE, U+FFFF. */
    #define SCRUBBER_ANY_CONTROL(NAME, T, WIDE)                                  \
    static int NAME(const T* d, Py_ssize_t n) {                                \
        Py_ssize_t s, i, e;                                                    \
        for (s = 0; s < n; s += 256) {                                         \
            T bad = 0;                                                         \
            e = s + 256 < n ? s + 256 : n;                                     \
            for (i = s; i < e; i++) {                                          \
                T c = d[i];                                                    \
                bad |= (T)((c < 0x20) & (c != 0x09) & (c != 0x0A) & (c != 0x0D)); \
                if (WIDE) bad |= (T)((c == 0xFFFE) | (c == 0xFFFF));           \
            }                                                                  \
            if (bad) return 1;                                                 \
        }                                                                      \
        return 0;                                                              \
    }
    SCRUBBER_ANY_CONTROL(scrubber_control_ucs1, Py_UCS1, 0)
    SCRUBBER_ANY_CONTROL(scrubber_control_ucs2, Py_UCS2, 1)
    SCRUBBER_ANY_CONTROL(scrubber_control_ucs4, Py_UCS4, 1)
    """
    int scrubber_control_ucs1(const Py_UCS1* d, Py_ssize_t n) noexcept nogil
    int scrubber_control_ucs2(const Py_UCS2* d, Py_ssize_t n) noexcept nogil
    int scrubber_control_ucs4(const Py_UCS4* d, Py_ssize_t n) noexcept nogil


def has_control(str text):
    """``any(c in text for c in html._CONTROL_CHARS)`` in one pass: C0 controls
    other than tab, newline and CR, and U+FFFE/U+FFFF."""
    cdef int kind = PyUnicode_KIND(text)
    cdef void* data = PyUnicode_DATA(text)
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text)
    if kind == PyUnicode_1BYTE_KIND:
        return scrubber_control_ucs1(<const Py_UCS1*>data, n) != 0
    if kind == PyUnicode_2BYTE_KIND:
        return scrubber_control_ucs2(<const Py_UCS2*>data, n) != 0
    return scrubber_control_ucs4(<const Py_UCS4*>data, n) != 0


cdef extern from *:
    """
    /* Is some character in [LO, LO + SPAN]? Runs of 256 characters without a
       branch per character (vector instructions), as for the controls above. */
    #define SCRUBBER_ANY_IN(NAME, T)                                             \
    static int NAME(const T* d, Py_ssize_t n, Py_UCS4 lo, Py_UCS4 span) {      \
        Py_ssize_t s, i, e;                                                    \
        for (s = 0; s < n; s += 256) {                                         \
            int hit = 0;                                                       \
            e = s + 256 < n ? s + 256 : n;                                     \
            for (i = s; i < e; i++) hit |= (Py_UCS4)((Py_UCS4)d[i] - lo) <= span; \
            if (hit) return 1;                                                 \
        }                                                                      \
        return 0;                                                              \
    }
    SCRUBBER_ANY_IN(scrubber_in_ucs2, Py_UCS2)
    SCRUBBER_ANY_IN(scrubber_in_ucs4, Py_UCS4)
    """
    int scrubber_in_ucs2(const Py_UCS2* d, Py_ssize_t n, Py_UCS4 lo, Py_UCS4 span) noexcept nogil
    int scrubber_in_ucs4(const Py_UCS4* d, Py_ssize_t n, Py_UCS4 lo, Py_UCS4 span) noexcept nogil


def any_between(str text, unsigned int lo, unsigned int hi):
    """``any(lo <= ord(c) <= hi for c in text)``, for ``lo`` past U+00FF (a string
    of one-byte characters then holds none: no scan)."""
    if lo <= 0xFF or hi < lo:
        raise ValueError("lo must be past U+00FF, and hi not below it")
    cdef int kind = PyUnicode_KIND(text)
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text)
    if kind == PyUnicode_1BYTE_KIND:
        return False
    if kind == PyUnicode_2BYTE_KIND:
        return scrubber_in_ucs2(<const Py_UCS2*>PyUnicode_DATA(text), n, lo, hi - lo) != 0
    return scrubber_in_ucs4(<const Py_UCS4*>PyUnicode_DATA(text), n, lo, hi - lo) != 0


cdef extern from *:
    """
    /* The bits TABLE gives the characters of D[0:n], OR-ed (a character past
       the BMP gives every bit), stopping at the end of the first run of 64
       that holds a bit of STOP. */
    #define SCRUBBER_TABLE_FLAGS(NAME, T, WIDE)                                  \
    static unsigned int NAME(const T* d, Py_ssize_t n, const unsigned char* table, \
                             unsigned int stop) {                              \
        Py_ssize_t s, i, e;                                                    \
        unsigned int acc = 0;                                                  \
        for (s = 0; s < n; s += 64) {                                          \
            e = s + 64 < n ? s + 64 : n;                                       \
            for (i = s; i < e; i++) {                                          \
                Py_UCS4 c = d[i];                                              \
                acc |= (WIDE && c > 0xFFFF) ? 0xFFu : table[c];                \
            }                                                                  \
            if (acc & stop) break;                                             \
        }                                                                      \
        return acc;                                                            \
    }
    SCRUBBER_TABLE_FLAGS(scrubber_flags_ucs1, Py_UCS1, 0)
    SCRUBBER_TABLE_FLAGS(scrubber_flags_ucs2, Py_UCS2, 0)
    SCRUBBER_TABLE_FLAGS(scrubber_flags_ucs4, Py_UCS4, 1)
    """
    unsigned int scrubber_flags_ucs1(const Py_UCS1* d, Py_ssize_t n, const unsigned char* table,
                                     unsigned int stop) noexcept nogil
    unsigned int scrubber_flags_ucs2(const Py_UCS2* d, Py_ssize_t n, const unsigned char* table,
                                     unsigned int stop) noexcept nogil
    unsigned int scrubber_flags_ucs4(const Py_UCS4* d, Py_ssize_t n, const unsigned char* table,
                                     unsigned int stop) noexcept nogil


cdef extern from *:
    """
    /* The first i >= FROM whose character has a bit of MASK in TABLE (or is
       past the BMP); N when there is none. Runs of 64 are OR-ed first. */
    #define SCRUBBER_NEXT_MARKED(NAME, T, WIDE)                                  \
    static Py_ssize_t NAME(const T* d, Py_ssize_t from, Py_ssize_t n,          \
                           const unsigned char* table, unsigned int mask) {    \
        Py_ssize_t s, i, e;                                                    \
        for (s = from; s < n; s += 64) {                                       \
            unsigned int acc = 0;                                              \
            e = s + 64 < n ? s + 64 : n;                                       \
            for (i = s; i < e; i++) {                                          \
                Py_UCS4 c = d[i];                                              \
                acc |= (WIDE && c > 0xFFFF) ? 0xFFu : table[c];                \
            }                                                                  \
            if (acc & mask)                                                    \
                for (i = s; i < e; i++) {                                      \
                    Py_UCS4 c = d[i];                                          \
                    if ((WIDE && c > 0xFFFF) || (table[c] & mask)) return i;   \
                }                                                              \
        }                                                                      \
        return n;                                                              \
    }
    SCRUBBER_NEXT_MARKED(scrubber_marked_ucs1, Py_UCS1, 0)
    SCRUBBER_NEXT_MARKED(scrubber_marked_ucs2, Py_UCS2, 0)
    SCRUBBER_NEXT_MARKED(scrubber_marked_ucs4, Py_UCS4, 1)

    /* A-Z lowered in place, without a branch per character. */
    #define SCRUBBER_LOWER(NAME, T)                                              \
    static void NAME(T* d, Py_ssize_t n) {                                     \
        Py_ssize_t i;                                                          \
        for (i = 0; i < n; i++) d[i] += (T)(((T)(d[i] - 0x41) <= 0x19) << 5);  \
    }
    SCRUBBER_LOWER(scrubber_lower_ucs1, Py_UCS1)
    SCRUBBER_LOWER(scrubber_lower_ucs2, Py_UCS2)
    SCRUBBER_LOWER(scrubber_lower_ucs4, Py_UCS4)
    """
    Py_ssize_t scrubber_marked_ucs1(const Py_UCS1* d, Py_ssize_t start, Py_ssize_t n,
                                    const unsigned char* table, unsigned int mask) noexcept nogil
    Py_ssize_t scrubber_marked_ucs2(const Py_UCS2* d, Py_ssize_t start, Py_ssize_t n,
                                    const unsigned char* table, unsigned int mask) noexcept nogil
    Py_ssize_t scrubber_marked_ucs4(const Py_UCS4* d, Py_ssize_t start, Py_ssize_t n,
                                    const unsigned char* table, unsigned int mask) noexcept nogil
    void scrubber_lower_ucs1(Py_UCS1* d, Py_ssize_t n) noexcept nogil
    void scrubber_lower_ucs2(Py_UCS2* d, Py_ssize_t n) noexcept nogil
    void scrubber_lower_ucs4(Py_UCS4* d, Py_ssize_t n) noexcept nogil


cdef unsigned int _table_flags(str text, const unsigned char[::1] table,
                               unsigned int stop) except? 0xFFFFFFFF:
    if table.shape[0] != 0x10000:
        raise ValueError("the table needs one byte for each BMP character")
    cdef int kind = PyUnicode_KIND(text)
    cdef void* data = PyUnicode_DATA(text)
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text)
    if kind == PyUnicode_1BYTE_KIND:
        return scrubber_flags_ucs1(<const Py_UCS1*>data, n, &table[0], stop)
    if kind == PyUnicode_2BYTE_KIND:
        return scrubber_flags_ucs2(<const Py_UCS2*>data, n, &table[0], stop)
    return scrubber_flags_ucs4(<const Py_UCS4*>data, n, &table[0], stop)


def table_flags(str text, const unsigned char[::1] table, unsigned int stop):
    """The bits ``table`` (one byte per BMP character) gives the characters of
    ``text``, OR-ed; a character past the BMP gives 0xFF. The scan may stop
    once a bit of ``stop`` is set (so only the bits of ``stop`` are then sure)."""
    return _table_flags(text, table, stop)


cdef str _lowered_copy(str text):
    """A new string: ``text`` with A-Z lowered."""
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text)
    cdef int kind = PyUnicode_KIND(text)
    out = PyUnicode_New(n, PyUnicode_MAX_CHAR_VALUE(text))
    cdef void* d = PyUnicode_DATA(out)
    memcpy(d, PyUnicode_DATA(text), n * kind)
    if kind == PyUnicode_1BYTE_KIND:
        scrubber_lower_ucs1(<Py_UCS1*>d, n)
    elif kind == PyUnicode_2BYTE_KIND:
        scrubber_lower_ucs2(<Py_UCS2*>d, n)
    else:
        scrubber_lower_ucs4(<Py_UCS4*>d, n)
    return <str>out


cdef inline Py_ssize_t _next_marked(str text, Py_ssize_t start, const unsigned char* table,
                                    unsigned int mask) noexcept:
    cdef int kind = PyUnicode_KIND(text)
    cdef void* d = PyUnicode_DATA(text)
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text)
    if kind == PyUnicode_1BYTE_KIND:
        return scrubber_marked_ucs1(<const Py_UCS1*>d, start, n, table, mask)
    if kind == PyUnicode_2BYTE_KIND:
        return scrubber_marked_ucs2(<const Py_UCS2*>d, start, n, table, mask)
    return scrubber_marked_ucs4(<const Py_UCS4*>d, start, n, table, mask)


def casefold(str text, const unsigned char[::1] table, unsigned int other, unsigned int upper):
    """``text.casefold()``, given a ``table`` (see ``table_flags``) whose bit
    ``other`` marks the characters ``casefold`` changes, A-Z aside, and whose
    bit ``upper`` marks A-Z. A-Z are lowered here; only the characters marked
    ``other`` (and those past the BMP) go through ``str.casefold``, which
    folds character by character. ``text`` itself when nothing changes."""
    cdef unsigned int acc = _table_flags(text, table, other)
    if not acc & other:
        return _lowered_copy(text) if acc & upper else text
    cdef Py_ssize_t i, start = 0, n = PyUnicode_GET_LENGTH(text)
    cdef list pieces = []
    while True:
        i = _next_marked(text, start, &table[0], other)
        if i > start:
            pieces.append(_lowered_copy(<str>PyUnicode_Substring(text, start, i)))
        if i == n:
            break
        pieces.append((<str>PyUnicode_Substring(text, i, i + 1)).casefold())
        start = i + 1
    return "".join(pieces)


def replace_chars(str text, const unsigned char[::1] which, tuple by):
    """``text`` with every character ``c`` of the BMP for which ``which[c]`` is
    ``k > 0`` replaced by ``by[k - 1]`` (a str), in one pass: what a
    ``str.replace`` per character gives when no replacement holds a replaced
    character. ``text`` itself when none is there."""
    if which.shape[0] != 0x10000:
        raise ValueError("which needs one byte for each BMP character")
    cdef Py_ssize_t i, j, n = PyUnicode_GET_LENGTH(text), size = 0, count = 0
    cdef int kind = PyUnicode_KIND(text), okind
    cdef void* d = PyUnicode_DATA(text)
    cdef const unsigned char* w = &which[0]
    cdef Py_UCS4 c, top = 0
    cdef unsigned int k
    cdef str rep
    cdef Py_ssize_t lengths[256]
    cdef Py_UCS4 tops[256]
    if len(by) > 255:
        raise ValueError("at most 255 replacements")
    for j in range(len(by)):
        rep = <str?>by[j]
        lengths[j] = PyUnicode_GET_LENGTH(rep)
        tops[j] = 0
        for i in range(lengths[j]):
            c = PyUnicode_READ(PyUnicode_KIND(rep), PyUnicode_DATA(rep), i)
            if c > tops[j]:
                tops[j] = c
    for i in range(n):  # the new length and widest character
        c = PyUnicode_READ(kind, d, i)
        k = w[c] if c < 0x10000 else 0
        if k:
            if k > <unsigned int>len(by):
                raise ValueError("which names a replacement by does not hold")
            count += 1
            size += lengths[k - 1]
            if tops[k - 1] > top:
                top = tops[k - 1]
        else:
            size += 1
            if c > top:
                top = c
    if not count:
        return text
    out = PyUnicode_New(size, top)
    okind = PyUnicode_KIND(out)
    cdef void* o = PyUnicode_DATA(out)
    cdef Py_ssize_t at = 0
    for i in range(n):
        c = PyUnicode_READ(kind, d, i)
        k = w[c] if c < 0x10000 else 0
        if k:
            rep = <str>by[k - 1]
            for j in range(lengths[k - 1]):
                PyUnicode_WRITE(okind, o, at, PyUnicode_READ(PyUnicode_KIND(rep), PyUnicode_DATA(rep), j))
                at += 1
        else:
            PyUnicode_WRITE(okind, o, at, c)
            at += 1
    return out


def flagged_lines(str text, const unsigned char[::1] table, unsigned int mask):
    """The lines of ``text`` (split at ``\n``) holding a character with a bit
    of ``mask`` in ``table``, or one past the BMP: a flat list of their start
    and end offsets, in order."""
    if table.shape[0] != 0x10000:
        raise ValueError("the table needs one byte for each BMP character")
    cdef Py_ssize_t i, start, end, done = 0, n = PyUnicode_GET_LENGTH(text)
    cdef list out = []
    while True:
        i = _next_marked(text, done, &table[0], mask)
        if i == n:
            return out
        start = PyUnicode_FindChar(text, 0x0A, done, i, -1)  # the line's own start
        start = done if start < 0 else start + 1
        end = PyUnicode_FindChar(text, 0x0A, i, n, 1)
        end = n if end < 0 else end
        out += (start, end)
        if end == n:
            return out
        done = end + 1


def marked_segments(str text, const unsigned char[::1] table, unsigned int mask):
    """The shortest pieces of ``text`` around its characters with a bit of
    ``mask`` in ``table`` (or past the BMP: marked too) that start and end
    where the next character is unmarked (or at an end of the text): each
    marked character with the unmarked one before it, if any, and every
    marked one after it; pieces that touch are one. A flat list of their
    start and end offsets, in order (``keys._marked_segments_py``)."""
    if table.shape[0] != 0x10000:
        raise ValueError("the table needs one byte for each BMP character")
    cdef Py_ssize_t i, start, end = 0, n = PyUnicode_GET_LENGTH(text)
    cdef int kind = PyUnicode_KIND(text)
    cdef void* data = PyUnicode_DATA(text)
    cdef const unsigned char* tab = &table[0]
    cdef Py_UCS4 c
    cdef list out = []
    while True:
        i = _next_marked(text, end, tab, mask)
        if i == n:
            return out
        start = i - 1 if i > end else i  # (i - 1 is unmarked: the scan passed it)
        end = i + 1
        while end < n:
            c = PyUnicode_READ(kind, data, end)
            if c < 0x10000 and not tab[c] & mask:
                break
            end += 1
        if out and out[len(out) - 1] >= start:  # (touching the last one: one piece)
            out[len(out) - 1] = end
        else:
            out += (start, end)
        if end == n:
            return out


cdef struct _Bars:
    Py_UCS4 bar[16]
    Py_ssize_t nbars
    Py_UCS4 lowest  # characters below the lowest bar are no bar
    # per low byte of a character from U+0080 on: some bar or white space
    # (``str.isspace``) past ASCII ends in that byte; a character whose low
    # byte is not marked is neither (most of a CJK line is passed over so)
    unsigned char maybe[256]


cdef unsigned char _space_lows[256]  # low bytes of the white space past ASCII
cdef bint _space_lows_ready = False


cdef int _bars_of(str bars, _Bars* b) except -1:
    """Reads ``bars`` (at most 16) into ``b``, with its filter of low bytes."""
    cdef Py_ssize_t nbars = PyUnicode_GET_LENGTH(bars), j
    cdef unsigned int c
    if nbars > 16:
        raise ValueError("at most 16 bar characters")
    cdef int bkind = PyUnicode_KIND(bars)
    cdef void* bdata = PyUnicode_DATA(bars)
    b.nbars = nbars
    b.lowest = 0x10FFFF
    memset(b.maybe, 0, 256)
    for j in range(nbars):
        c = PyUnicode_READ(bkind, bdata, j)
        b.bar[j] = <Py_UCS4>c
        if c < b.lowest:
            b.lowest = c
        b.maybe[c & 0xFF] = 1
    global _space_lows_ready
    if not _space_lows_ready:  # once per process
        for c in range(0x80, 0x3001):  # the white space past ASCII is all below U+3001
            if Py_UNICODE_ISSPACE(<Py_UCS4>c):
                _space_lows[c & 0xFF] = 1
        _space_lows_ready = True
    for c in range(256):
        b.maybe[c] |= _space_lows[c]
    return 0


cdef inline bint _is_bar(Py_UCS4 c, const _Bars* b) noexcept:
    cdef Py_ssize_t j
    if c < b.lowest:
        return False
    for j in range(b.nbars):
        if c == b.bar[j]:
            return True
    return False


cdef Py_ssize_t _sep_seeds(str text, const _Bars* b, Py_ssize_t want,
                           Py_ssize_t longest=-1) noexcept:
    """How many positions of ``text`` a seed starts at, counted up to ``want``;
    given ``longest`` (from 0), 0 when more than ``longest`` characters that
    are neither white space nor bars follow each other."""
    cdef int kind = PyUnicode_KIND(text)
    cdef void* data = PyUnicode_DATA(text)
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text), i, found = 0, run = 0
    cdef Py_UCS4 c, d
    cdef bint bar, space
    for i in range(n):
        c = PyUnicode_READ(kind, data, i)
        if c >= 0x80 and not b.maybe[(<unsigned int>c) & 0xFF]:
            bar = space = False
        else:
            bar = _is_bar(c, b)
            space = not bar and scrubber_isspace(c)
        if not (bar or space):
            run += 1  # neither a bar nor white space
            if 0 <= longest < run:
                return 0
            continue
        run = 0
        if bar:
            found += 1
        elif i + 1 < n:
            d = PyUnicode_READ(kind, data, i + 1)
            if d == 0x2F or scrubber_isspace(d):
                found += 1
        if found >= want and longest < 0:
            break
    return found


cdef inline bint _sep_seed(str text, const _Bars* b) noexcept:
    return _sep_seeds(text, b, 1) >= 1


def sep_seed(str text, str bars):
    """``filters.structure._SEP_SEED.search(text) is not None``: one of ``bars``
    (``structure._BARS``: bars and dots), or a white space (``str.isspace``)
    followed by another or by ``/``, in one pass without the regex engine."""
    cdef _Bars b
    _bars_of(bars, &b)
    return _sep_seed(text, &b)


def sep_seed_blocks(blocks, list todo, str bars, Py_ssize_t seeds=1, Py_ssize_t longest=-1):
    """The indices ``i`` in ``todo`` whose block has no true ``full_stop``
    feature and whose text holds at least ``seeds`` positions where
    :func:`sep_seed` finds a separator starting, in order (the candidates of
    ``structure._strips_all``); given ``longest`` (from 0), only those whose
    text holds no run of more than ``longest`` characters that are neither
    white space (``str.isspace``) nor one of ``bars``."""
    if _BLOCK is None:
        _block_slots()
    cdef _Bars bs
    _bars_of(bars, &bs)
    cdef list out = []
    if seeds < 1:
        seeds = 1
    for i in todo:
        b = blocks[i]
        if _fget(_b_features(b), "full_stop", None):
            continue
        if _sep_seeds(<str?>_b_text(b), &bs, seeds, longest) >= seeds:
            out.append(i)
    return out


def feature_is(blocks, list todo, str name, object value, object default):
    """``[i for i in todo if blocks[i].features.get(name, default) == value]``
    (``structure._symbols_all``'s first test)."""
    if _BLOCK is None:
        _block_slots()
    cdef list out = []
    cdef bint number = type(value) is float
    cdef double want = <double>value if number else 0.0
    for i in todo:
        got = _fget(_b_features(blocks[i]), name, default)
        if number and type(got) is float:  # (a float feature: compared as Python does)
            if (<double>got) == want:
                out.append(i)
        elif got is value or got == value:
            out.append(i)
    return out


def text_holds(blocks, list todo, str ch):
    """``[i for i in todo if ch in blocks[i].text]`` for one character ``ch``
    (``structure._markup_all``'s first test)."""
    if PyUnicode_GET_LENGTH(ch) != 1:
        raise ValueError("one character")
    if _BLOCK is None:
        _block_slots()
    cdef Py_UCS4 c = ch[0]
    cdef str text
    cdef list out = []
    for i in todo:
        text = <str?>_b_text(blocks[i])
        if PyUnicode_FindChar(text, c, 0, PyUnicode_GET_LENGTH(text), 1) >= 0:
            out.append(i)
    return out


cdef enum:
    _K_HARD = 1    # a key holding it is folded by keys.match_keys' own steps
    _K_UPPER = 4   # A-Z
    _K_ODD = 8     # white space a key's runs collapse (keys._LINE_SPACES), but the space
    _K_COMMON = 16  # full-width punctuation replaced by its ASCII (keys._COMMON_COMPAT)
    _K_SPACE = 32  # the space
    _K_T2S = 64    # replaced by what t2s makes of it alone (keys._T2S_ALONE)
    _K_PHRASE = 128  # one of keys._IN_PHRASES: its run is left for t2s itself (fold_keys)


cdef extern from *:
    """
    /* Does D[0:n] (one or two bytes a character) hold two spaces side by side?
       One pass without a branch per character (the compiler may vectorise it),
       not a search call per space: English lines have a space every few
       characters. */
    #define SCRUBBER_DOUBLE_SPACE(NAME, T)                                       \
    static int NAME(const T* d, Py_ssize_t n) {                                 \
        unsigned int both = 0;                                                  \
        Py_ssize_t i;                                                           \
        for (i = 1; i < n; i++)                                                 \
            both |= (d[i] == 0x20) & (d[i - 1] == 0x20);                        \
        return (int)both;                                                       \
    }
    SCRUBBER_DOUBLE_SPACE(scrubber_double_space_ucs1, Py_UCS1)
    SCRUBBER_DOUBLE_SPACE(scrubber_double_space_ucs2, Py_UCS2)
    """
    int scrubber_double_space_ucs1(const Py_UCS1* d, Py_ssize_t n) noexcept nogil
    int scrubber_double_space_ucs2(const Py_UCS2* d, Py_ssize_t n) noexcept nogil


cdef bint _plain_spaces(str text) noexcept:
    """Is no space of ``text`` at its start or end or beside another?"""
    cdef Py_ssize_t i, n = PyUnicode_GET_LENGTH(text)
    cdef int kind = PyUnicode_KIND(text)
    cdef void* data = PyUnicode_DATA(text)
    if n == 0:
        return True
    if PyUnicode_READ(kind, data, 0) == 0x20 or PyUnicode_READ(kind, data, n - 1) == 0x20:
        return False
    if kind == PyUnicode_1BYTE_KIND:
        return not scrubber_double_space_ucs1(<const Py_UCS1*>data, n)
    if kind == PyUnicode_2BYTE_KIND:
        return not scrubber_double_space_ucs2(<const Py_UCS2*>data, n)
    i = PyUnicode_FindChar(text, 0x20, 0, n, 1)
    while 0 <= i < n - 1:
        if PyUnicode_READ(kind, data, i + 1) == 0x20:
            return False
        i = PyUnicode_FindChar(text, 0x20, i + 2, n, 1)
    return True


cdef extern from *:
    """
    /* fold_keys' pass over D[0:n] of one or two bytes a character, written to OUT (room for 4 * n + 1 characters of the same
       width): spaces and odd white space collapsed to one space between
       characters, common characters replaced (WHICH names the replacement,
       REPS/LENGTHS hold them, ASCII), A-Z lowered, t2s's characters replaced
       (T2S, unless NULL; the table marks none in one-byte text). The key's length, or -1
       when WHICH names no replacement. The bits are those of keys._key_table. */
    #define SCRUBBER_FOLD(NAME, T)                                                \
    static Py_ssize_t NAME(const T* d, Py_ssize_t n, const unsigned char* table,  \
                           const unsigned char* which, const Py_ssize_t* lengths, \
                           const Py_UCS4* reps, Py_ssize_t nby,                   \
                           const unsigned short* t2s, T* out) {                   \
        Py_ssize_t i, j, size = 0;                                                \
        int pending = 0;                                                          \
        for (i = 0; i < n; i++) {                                                 \
            unsigned int c = d[i], f = table[c], k;                               \
            if (f & (8 | 32)) { pending = size > 0; continue; }                   \
            if (pending) { out[size++] = 0x20; pending = 0; }                     \
            if (f & 16) {                                                         \
                k = which[c];                                                     \
                if (k == 0 || (Py_ssize_t)k > nby) return -1;                     \
                for (j = 0; j < lengths[k - 1]; j++)                              \
                    out[size++] = (T)reps[4 * (k - 1) + j];                       \
                continue;                                                         \
            }                                                                     \
            if (f & 4) c += 32;                                                   \
            else if ((f & 64) && t2s) c = t2s[c];                                 \
            out[size++] = (T)c;                                                   \
        }                                                                         \
        return size;                                                              \
    }
    SCRUBBER_FOLD(scrubber_fold_ucs1, Py_UCS1)
    SCRUBBER_FOLD(scrubber_fold_ucs2, Py_UCS2)
    """
    Py_ssize_t scrubber_fold_ucs1(const Py_UCS1* d, Py_ssize_t n, const unsigned char* table,
                                  const unsigned char* which, const Py_ssize_t* lengths,
                                  const Py_UCS4* reps, Py_ssize_t nby,
                                  const unsigned short* t2s, Py_UCS1* out) noexcept nogil
    Py_ssize_t scrubber_fold_ucs2(const Py_UCS2* d, Py_ssize_t n, const unsigned char* table,
                                  const unsigned char* which, const Py_ssize_t* lengths,
                                  const Py_UCS4* reps, Py_ssize_t nby,
                                  const unsigned short* t2s, Py_UCS2* out) noexcept nogil
    object scrubber_from_kind "PyUnicode_FromKindAndData" (int, const void*, Py_ssize_t)

# (the bits those loops read, as numbers: they must be the enum's)
assert (_K_UPPER, _K_ODD, _K_COMMON, _K_SPACE, _K_T2S) == (4, 8, 16, 32, 64)


cdef int _t2s_or_leave(Py_UCS2* key, Py_ssize_t size, const unsigned char[::1] table,
                       const unsigned short* t2s, list runs, Py_ssize_t line,
                       const unsigned long long[::1] pairs) except -1:
    """In a key folded without t2s (``key[:size]``, of a text holding
    ``_K_PHRASE`` characters), each run of non-ASCII characters: converted in
    place by ``t2s`` when none of them is ``_K_PHRASE``, or (given ``pairs``)
    when none of those stands next to a character ``pairs`` pairs it with
    (``keys._phrase_pairs``: codes ``first << 16 | second``), the ``_K_PHRASE``
    ones too where ``t2s`` has a character for them; else left as it is and
    named in ``runs`` (``line``, its start and its end), for t2s itself."""
    cdef Py_ssize_t i = 0, r, q
    cdef bint phrase, paired
    cdef unsigned char bits
    while i < size:
        if key[i] < 0x80:
            i += 1
            continue
        phrase = paired = False
        r = i
        while r < size and key[r] >= 0x80:
            if table[key[r]] & _K_PHRASE:
                phrase = True
                if pairs is None:
                    paired = True
                elif ((r > i and _u64_in(pairs, (<unsigned long long>key[r - 1]) << 16 | key[r]))
                      or (r + 1 < size and key[r + 1] >= 0x80
                          and _u64_in(pairs, (<unsigned long long>key[r]) << 16 | key[r + 1]))):
                    paired = True
            r += 1
        if paired:
            runs += (line, i, r)
        else:
            bits = _K_T2S | _K_PHRASE if phrase else _K_T2S
            for q in range(i, r):
                if table[key[q]] & bits and t2s[key[q]]:
                    key[q] = t2s[key[q]]
        i = r
    return 0


def fold_keys(list texts, const unsigned char[::1] table, const unsigned char[::1] which,
              tuple by, const unsigned short[::1] t2s=None,
              const unsigned long long[::1] pairs=None):
    """``keys.match_keys`` for the texts whose key needs no more than A-Z
    lowered, the common full-width punctuation replaced (``which``/``by`` as
    :func:`replace_chars` takes them, the replacements ASCII), Traditional
    characters replaced one by one (``t2s``: a BMP code point for each BMP
    character, read for those ``table`` marks ``_K_T2S``) and white space
    collapsed and stripped: the keys in a list, with ``None`` for the other
    texts, and those texts' indices. ``table`` gives each BMP character the
    bits above (``keys._key_table``); a character past the BMP is hard.
    In a text holding ``_K_PHRASE`` characters, each run of characters that
    stay non-ASCII in the key and hold one of those is left as it is (see
    :func:`_t2s_or_leave`), for t2s itself to convert: the third list gives,
    per such run, the text's index, the run's start and its end in the key.
    Given ``pairs`` (``keys._phrase_pairs``: a hash set of the codes
    ``first << 16 | second`` of the pairs of characters a phrase converting
    otherwise than its characters alone holds, one of them ``_K_PHRASE``), only
    the runs holding such a pair are left; the others are converted by
    ``t2s``, their ``_K_PHRASE`` characters too (``t2s`` then has what t2s
    makes of those alone, 0 where it leaves them)."""
    if table.shape[0] != 0x10000 or which.shape[0] != 0x10000:
        raise ValueError("tables of one byte for each BMP character")
    if pairs is not None:
        _u64_table(pairs)
    cdef const unsigned short* t2s_at = NULL
    if t2s is not None:
        if t2s.shape[0] != 0x10000:
            raise ValueError("a t2s table of one code point for each BMP character")
        t2s_at = &t2s[0]
    cdef Py_ssize_t lengths[256]
    cdef Py_UCS4 reps[256 * 4]
    cdef Py_ssize_t i, j, size, m = len(texts), nby = len(by)
    if nby > 255:
        raise ValueError("at most 255 replacements")
    cdef str rep
    for j in range(nby):
        rep = <str?>by[j]
        lengths[j] = PyUnicode_GET_LENGTH(rep)
        if lengths[j] > 4:
            raise ValueError("replacements of at most four characters")
        for i in range(lengths[j]):
            reps[4 * j + i] = PyUnicode_READ(PyUnicode_KIND(rep), PyUnicode_DATA(rep), i)
            if reps[4 * j + i] >= 0x80:
                raise ValueError("replacements of ASCII characters")
    cdef list keys = [None] * m, slow = [], runs = []
    cdef str text
    cdef unsigned int flags
    cdef bint phrase
    cdef int kind
    cdef Py_ssize_t n, room = 0
    cdef void* buf = NULL  # (the one-pass fold's output, grown as the texts need)
    try:
        for j in range(m):
            text = <str?>texts[j]
            flags = _table_flags(text, table, _K_HARD)
            if flags & _K_HARD:
                slow.append(j)
                continue
            if flags & (_K_T2S | _K_PHRASE) and t2s_at is NULL:
                raise ValueError("the table marks characters t2s replaces, and no t2s table")
            if not flags & (_K_ODD | _K_COMMON | _K_T2S | _K_PHRASE):
                if flags & _K_SPACE and not _plain_spaces(text):
                    pass  # (below)
                elif flags & _K_UPPER:
                    keys[j] = _lowered_copy(text)
                    continue
                else:
                    keys[j] = text
                    continue
            kind = PyUnicode_KIND(text)
            if kind == PyUnicode_4BYTE_KIND:  # (a character past the BMP is hard: never here)
                slow.append(j)
                continue
            # one pass into a buffer, and the key made of it (str's own narrowing)
            n = PyUnicode_GET_LENGTH(text)
            if (4 * n + 1) * kind > room:
                PyMem_Free(buf)
                room = (4 * n + 1) * kind
                buf = PyMem_Malloc(room)
                if buf is NULL:
                    raise MemoryError()
            phrase = flags & _K_PHRASE
            if kind == PyUnicode_1BYTE_KIND:  # (no Han, nothing for t2s)
                size = scrubber_fold_ucs1(<const Py_UCS1*>PyUnicode_DATA(text), n, &table[0],
                                          &which[0], lengths, reps, nby, t2s_at, <Py_UCS1*>buf)
            else:
                size = scrubber_fold_ucs2(<const Py_UCS2*>PyUnicode_DATA(text), n, &table[0],
                                          &which[0], lengths, reps, nby,
                                          NULL if phrase else t2s_at, <Py_UCS2*>buf)
            if size < 0:
                raise ValueError("which names no replacement of a common character")
            if phrase and kind == PyUnicode_2BYTE_KIND:
                _t2s_or_leave(<Py_UCS2*>buf, size, table, t2s_at, runs, j, pairs)
            keys[j] = scrubber_from_kind(kind, buf, size)
    finally:
        PyMem_Free(buf)
    return keys, slow, runs


def put_runs(list keys, list runs, list converted):
    """``keys._put_runs_py(keys, runs, converted)``: in each key ``runs`` names
    (per run, the key's index, the run's start and its end; a key's runs in
    order, apart), the runs replaced by ``converted``, one string per run."""
    cdef Py_ssize_t k = 0, n = len(runs) // 3, j, a, b, done, size
    if len(runs) != 3 * n or len(converted) != n:
        raise ValueError("three numbers and one string per run")
    cdef list pieces
    cdef str key
    while k < n:
        j = runs[3 * k]
        key = <str?>keys[j]
        size = PyUnicode_GET_LENGTH(key)
        pieces = []
        done = 0
        while k < n and runs[3 * k] == j:
            a, b = runs[3 * k + 1], runs[3 * k + 2]
            if not 0 <= done <= a <= b <= size:
                raise ValueError("a run out of its key, or out of order")
            pieces.append(PyUnicode_Substring(key, done, a))
            pieces.append(<str?>converted[k])
            done = b
            k += 1
        pieces.append(PyUnicode_Substring(key, done, size))
        keys[j] = "".join(pieces)


def layout_features(list features, list links, tuple contexts, list roles, object heading):
    """``html._parse_page``'s loop over the blocks' features: each dict (or
    :class:`Features`) gets ``link_density`` (from ``links``; a float for a
    Features) and ``depth`` (the length of its context, a float), in that
    order; gives the indices whose role is ``heading`` (left to the caller)."""
    cdef Py_ssize_t i, n = len(features)
    if len(links) != n or len(contexts) != n or len(roles) != n:
        raise ValueError("one link density, context and role per block")
    cdef list headings = []
    cdef Features ff
    cdef dict d
    for i in range(n):
        f = features[i]
        if type(f) is Features:  # (its optional keys, in the same order)
            ff = <Features>f
            ff.v[I_LINK_DENSITY] = <double?>links[i]
            ff.v[I_DEPTH] = <double>len(<tuple?>contexts[i])
            ff.more |= 3
        else:
            d = <dict?>f
            d["link_density"] = links[i]
            d["depth"] = <double>len(<tuple?>contexts[i])
        if roles[i] is heading:
            headings.append(i)
    return headings


def set_level(Features f, double level):
    """``f["level"] = level`` for a :class:`Features` (``html._parse_page``'s
    headings), which Python code cannot write."""
    f.v[I_LEVEL] = level
    f.more |= 4


def within(blocks, str path):
    """``[b.path == path or (b.path or "").startswith(path + "/") for b in blocks]``."""
    if _BLOCK is None:
        _block_slots()
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(path)
    return [_under(_b_path(b), path, n) for b in blocks]


def stripped_lines(list texts):
    """``not any(not t or "\\n" in t or "\\r" in t or t[-1].isspace() for t in
    texts)``: is every text a non-empty line without a line break or white
    space at its end? (``blocks.measure_lines``' test, ``str.isspace``'s white space.)"""
    cdef str text
    cdef Py_ssize_t n
    for t in texts:
        text = <str?>t
        n = PyUnicode_GET_LENGTH(text)
        if n == 0 or Py_UNICODE_ISSPACE(PyUnicode_READ(PyUnicode_KIND(text),
                                                       PyUnicode_DATA(text), n - 1)):
            return False
        if PyUnicode_FindChar(text, 0x0A, 0, n, 1) >= 0 or \
                PyUnicode_FindChar(text, 0x0D, 0, n, 1) >= 0:
            return False
    return True


def first_holding(list texts, str ch):
    """The index of the first of ``texts`` (strs) holding the one character
    ``ch``, or -1 (``rules.LineScreen.lines``: does a key hold a newline?)."""
    if PyUnicode_GET_LENGTH(ch) != 1:
        raise ValueError("one character")
    cdef Py_UCS4 c = ch[0]
    cdef str text
    cdef Py_ssize_t i
    for i in range(len(texts)):
        text = <str?>texts[i]
        if PyUnicode_FindChar(text, c, 0, PyUnicode_GET_LENGTH(text), 1) >= 0:
            return i
    return -1


# -- lines of plain text (``blocks._lines_split``) and detect_language's counts --

cdef extern from "Python.h":
    bint Py_UNICODE_ISSPACE(Py_UCS4 ch) noexcept
    # PyUnicode_FindChar, under a name of its own: the ancestry section below
    # declares it too, and Cython refuses a second declaration of one name
    Py_ssize_t scrubber_find_nl "PyUnicode_FindChar" (object, Py_UCS4, Py_ssize_t, Py_ssize_t,
                                                       int) except -2


def split_lines(str text):
    """``blocks._lines_split``: the non-blank lines of ``text`` (split at each
    ``\\n``), stripped as ``str.strip`` strips, with their spans in ``text``
    and their line numbers (1 for the first line)."""
    cdef list texts = [], spans = [], numbers = []
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text)
    cdef Py_ssize_t a = 0, b, i, j, line = 1
    cdef int kind = PyUnicode_KIND(text)
    cdef void* data = PyUnicode_DATA(text)
    while a <= n:
        b = scrubber_find_nl(text, 10, a, n, 1) if a < n else -1
        if b < 0:
            b = n
        i = a
        while i < b and Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, i)):
            i += 1
        if i < b:
            j = b
            while Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, j - 1)):
                j -= 1
            texts.append(text[i:j])
            spans.append((i, j))
            numbers.append(line)
        line += 1
        a = b + 1
    return texts, spans, numbers


def class_counts(str text, const unsigned char[::1] table):
    """``core._counts_compiled``: per bit ``k`` of ``table`` (one byte of class
    bits per BMP character), how many of the non-ASCII BMP characters of
    ``text`` have it, as a list of 8 counts; and the characters past the BMP,
    joined (the caller counts those with the patterns); then how many of its
    characters are ASCII, and how many ASCII letters (``[A-Za-z]``)."""
    cdef Py_ssize_t hist[256]  # characters per byte of class bits
    cdef Py_ssize_t i, k, v, n = PyUnicode_GET_LENGTH(text)
    cdef Py_ssize_t ascii = 0, letters = 0
    cdef int kind = PyUnicode_KIND(text)
    cdef void* data = PyUnicode_DATA(text)
    cdef Py_UCS4 c
    cdef list astral = []
    if table.shape[0] < 0x10000:
        raise ValueError("table: one byte of class bits for each BMP character")
    cdef const unsigned char* tab = &table[0]
    for v in range(256):
        hist[v] = 0
    if kind == PyUnicode_1BYTE_KIND:  # Latin-1 only: no character past U+00FF
        for i in range(n):
            c = (<Py_UCS1*>data)[i]
            if c >= 0x80:
                hist[tab[c]] += 1
            else:
                ascii += 1
                letters += ((<unsigned int>c) | 0x20u) - 97u < 26u  # a-z, A-Z (below "a" wraps)
    elif kind == PyUnicode_2BYTE_KIND:  # the BMP only: each character's bits in the table
        for i in range(n):
            c = (<Py_UCS2*>data)[i]
            if c < 0x80:
                ascii += 1
                letters += ((<unsigned int>c) | 0x20u) - 97u < 26u
            else:
                hist[tab[c]] += 1
    else:
        for i in range(n):
            c = PyUnicode_READ(kind, data, i)
            if c < 0x80:
                ascii += 1
                letters += ((<unsigned int>c) | 0x20u) - 97u < 26u
                continue
            if c >= 0x10000:
                astral.append(chr(c))
                continue
            hist[tab[c]] += 1
    cdef Py_ssize_t per_bit[8]
    for k in range(8):
        per_bit[k] = 0
    for v in range(1, 256):  # (most of the 255 bins are empty: each full one adds to its bits)
        if hist[v]:
            for k in range(8):
                if (v >> k) & 1:
                    per_bit[k] += hist[v]
    counts = [per_bit[k] for k in range(8)]
    return counts, "".join(astral), ascii, letters


# -- features of stripped lines (``blocks._measure_stripped``) -----------------

# Bits of ``blocks._feature_table()``: what a character counts as.
cdef enum:
    F_CJK = 1
    F_ALNUM = 2
    F_PUNCT = 4          # one of blocks._PUNCT_CHARS: always punctuation
    F_SEP = 8            # , . : -- punctuation unless between two digits
    F_DIGIT = 16         # regex \d
    F_SENT_LAST = 32     # a sentence ends in it,
    F_SENT_STOP = 64     # or in one of these before one of the closers
    F_SENT_CLOSER = 128
    F_FULL_LAST = 256    # the same for a full stop
    F_FULL_STOP = 512
    F_FULL_CLOSER = 1024


cdef extern from *:
    """
    /* The counts of measure_stripped for a text of one or two bytes a character
       (every character in the BMP table): one loop per width, the table read
       through a plain pointer, the counts added without a branch; only a
       separator (, . : and the like) looks at its neighbours. ``out``: CJK,
       alphanumeric and punctuation counts, the last character's bits and those
       of the one before it. The bits are measure_stripped's F_ values. */
    #define SCRUBBER_MEASURE(NAME, T)                                            \
    static void NAME(const T* d, Py_ssize_t n, const unsigned short* tab,      \
                     unsigned long* out) {                                     \
        unsigned long cjk = 0, alnum = 0, punct = 0;                           \
        unsigned int f, prev = 0;                                              \
        Py_ssize_t i;                                                          \
        for (i = 0; i < n; i++) {                                              \
            f = tab[d[i]];                                                     \
            cjk += f & 1;                      /* F_CJK */                     \
            alnum += (f >> 1) & 1;             /* F_ALNUM */                   \
            if (f & 12) {                      /* F_PUNCT, F_SEP */            \
                if (f & 4) punct++;                                            \
                else if (!(prev & 16) || i + 1 >= n || !(tab[d[i + 1]] & 16))  \
                    punct++;                   /* (not between two digits) */  \
            }                                                                  \
            prev = f;                                                          \
        }                                                                      \
        out[0] = cjk; out[1] = alnum; out[2] = punct; out[3] = prev;           \
        out[4] = n > 1 ? tab[d[n - 2]] : 0;                                    \
    }
    SCRUBBER_MEASURE(scrubber_measure_ucs1, Py_UCS1)
    SCRUBBER_MEASURE(scrubber_measure_ucs2, Py_UCS2)
    """
    void scrubber_measure_ucs1(const Py_UCS1* d, Py_ssize_t n, const unsigned short* tab,
                               unsigned long* out) noexcept nogil
    void scrubber_measure_ucs2(const Py_UCS2* d, Py_ssize_t n, const unsigned short* tab,
                               unsigned long* out) noexcept nogil


def measure_stripped(list texts, const unsigned short[::1] table, object astral,
                     bint frozen=False):
    """``blocks._measure_stripped(texts)``: one pass over each text's characters,
    each looked up in ``table`` (the feature bits of every BMP character;
    ``astral(c)`` gives those of a character beyond it). Texts of one or two
    bytes a character go through the C loops above (``table`` must then cover
    the BMP); the rest through the loop below. ``frozen``: each text's features
    as a :class:`Features` instead of a dict (``blocks_from_text``)."""
    if table.shape[0] < 0x10000:
        raise ValueError("table: the feature bits of every BMP character")
    cdef const unsigned short* tab = &table[0]
    cdef unsigned long counts[5]
    cdef list out = []
    cdef str text
    cdef int kind
    cdef void* data
    cdef Py_ssize_t i, n
    cdef Py_UCS4 c
    cdef unsigned int f, prev, last, before
    cdef long cjk, alnum, punct
    cdef Features got
    for text in texts:
        kind = PyUnicode_KIND(text)
        data = PyUnicode_DATA(text)
        n = PyUnicode_GET_LENGTH(text)
        if kind == PyUnicode_1BYTE_KIND or kind == PyUnicode_2BYTE_KIND:
            if kind == PyUnicode_1BYTE_KIND:
                scrubber_measure_ucs1(<const Py_UCS1*>data, n, tab, counts)
            else:
                scrubber_measure_ucs2(<const Py_UCS2*>data, n, tab, counts)
            cjk, alnum, punct = counts[0], counts[1], counts[2]
            last, before = <unsigned int>counts[3], <unsigned int>counts[4]
            got = _features(n, cjk, alnum, punct, last, before)
            out.append(got if frozen else got._dict())
            continue
        cjk = alnum = punct = 0
        prev = 0
        for i in range(n):
            c = PyUnicode_READ(kind, data, i)
            f = table[c] if c < 0x10000 else <unsigned int>astral(<long>c)
            if f & F_CJK:
                cjk += 1
            if f & F_ALNUM:
                alnum += 1
            if f & F_PUNCT:
                punct += 1
            elif f & F_SEP:
                # counted unless a digit is on both sides
                if not (prev & F_DIGIT) or i + 1 >= n:
                    punct += 1
                else:
                    c = PyUnicode_READ(kind, data, i + 1)
                    if not ((table[c] if c < 0x10000 else <unsigned int>astral(<long>c)) & F_DIGIT):
                        punct += 1
            prev = f
        last = prev
        if n > 1:
            c = PyUnicode_READ(kind, data, n - 2)
            before = table[c] if c < 0x10000 else <unsigned int>astral(<long>c)
        else:
            before = 0
        got = _features(n, cjk, alnum, punct, last, before)
        out.append(got if frozen else got._dict())
    return out


from collections.abc import ItemsView as _ItemsView, KeysView as _KeysView
from collections.abc import Mapping as _Mapping, ValuesView as _ValuesView

#: the keys of a :class:`Features`: the eight of ``_features``' dict, then those
#: an HTML block's features get (``layout_features``), each when it has it
cdef tuple _FEATURE_NAMES = ("chars", "cjk", "alnum", "units", "punct", "punct_density",
                             "ends_sentence", "full_stop", "link_density", "depth", "level")
cdef enum:
    N_BASE = 8  # the keys every Features has
    N_NAMES = 11
    I_LINK_DENSITY = 8  # (the optional keys' places in the names and the values)
    I_DEPTH = 9
    I_LEVEL = 10
    INT_KEYS = 1 << 0 | 1 << 1 | 1 << 2 | 1 << 4  # chars, cjk, alnum, punct: ints in the dict
# per mask of the optional keys held (bit 0 link_density, 1 depth, 2 level), the keys
cdef tuple _KEYS_OF = tuple(
    _FEATURE_NAMES[:N_BASE] + tuple(name for bit, name in enumerate(_FEATURE_NAMES[N_BASE:])
                                    if mask >> bit & 1)
    for mask in range(8))


cdef inline int _feature_index(object name) except -2:
    """Where ``name`` is in ``_FEATURE_NAMES`` (-1: not there). The names in
    scrubber's code are the interned strings of the tuple: found by pointer."""
    cdef int i
    for i in range(N_NAMES):
        if <PyObject*>name == PyTuple_GET_ITEM(_FEATURE_NAMES, i):
            return i
    if isinstance(name, str):  # an equal string that is not the interned one
        for i in range(N_NAMES):
            if name == <object>PyTuple_GET_ITEM(_FEATURE_NAMES, i):
                return i
    return -1


@cython.final
@cython.freelist(256)
cdef class Features:
    """A block's features as scrubber measures them (``blocks.measure``'s keys;
    an HTML block's also ``link_density``, ``depth`` and, for a heading,
    ``level``): a read-only mapping with the keys, the order, the values and
    the value types of the dict they were before (``chars``, ``cjk``, ``alnum``,
    ``punct`` ints; the others floats), held in C fields (decision 75). Equal
    to that dict; pickled and deep-copied as it (a process without this module
    reads it back; ``dataclasses.asdict`` of a Block gives plain data);
    ``dict(f)`` for a dict of one's own."""
    cdef double v[N_NAMES]  # the values, in the order of _FEATURE_NAMES (counts exact)
    cdef unsigned int more  # which of the optional keys it holds (bits as in _KEYS_OF)

    def __init__(self, *args, **kwargs):
        raise TypeError("Features are made by scrubber's measuring of blocks; "
                        "use a dict for features of your own")

    cdef inline bint _has(self, int i) noexcept:
        return i >= 0 and (i < N_BASE or (self.more >> (i - N_BASE)) & 1)

    cdef object _value(self, int i):
        if (INT_KEYS >> i) & 1:
            return <long long>self.v[i]
        return self.v[i]

    def __getitem__(self, name):
        cdef int i = _feature_index(name)
        if not self._has(i):
            raise KeyError(name)
        return self._value(i)

    def get(self, name, default=None):
        cdef int i = _feature_index(name)
        return self._value(i) if self._has(i) else default

    def __contains__(self, name):
        return self._has(_feature_index(name))

    def __iter__(self):
        return iter(<tuple>_KEYS_OF[self.more])

    def __reversed__(self):
        return reversed(<tuple>_KEYS_OF[self.more])

    def __len__(self):
        return PyTuple_GET_SIZE(<tuple>_KEYS_OF[self.more])

    def keys(self):
        return _KeysView(self)

    def items(self):
        return _ItemsView(self)

    def values(self):
        return _ValuesView(self)

    cdef dict _dict(self):
        cdef dict out = {}
        cdef int i
        for i in range(N_NAMES):
            if self._has(i):
                out[<object>PyTuple_GET_ITEM(_FEATURE_NAMES, i)] = self._value(i)
        return out

    def __eq__(self, other):
        if type(other) is Features:
            return self._dict() == (<Features>other)._dict()
        if isinstance(other, _Mapping):
            return self._dict() == dict(other.items())
        return NotImplemented

    def __ne__(self, other):
        eq = self.__eq__(other)
        return eq if eq is NotImplemented else not eq

    __hash__ = None

    def __repr__(self):
        return f"Features({self._dict()!r})"

    def __reduce__(self):
        return (dict, (self._dict(),))

    def __copy__(self):
        return self  # (read-only)

    def __deepcopy__(self, memo):
        # plain data, as pickled: ``dataclasses.asdict`` of a Block deep-copies
        # its fields, and its result is then JSON as it was with dicts
        return self._dict()


_Mapping.register(Features)


cdef Features _features(Py_ssize_t n, long cjk, long alnum, long punct, unsigned int last,
                        unsigned int before):
    """The features ``measure_stripped`` gives from its counts and the bits of
    the text's last two characters."""
    cdef double units = cjk + 0.5 * (alnum - cjk)
    cdef Features f = Features.__new__(Features)
    f.v[0], f.v[1], f.v[2], f.v[3], f.v[4] = n, cjk, alnum, units, punct
    f.v[5] = punct / units if units else 0.0
    f.v[6] = 1.0 if (last & F_SENT_LAST) or (
        (last & F_SENT_CLOSER) and (before & F_SENT_STOP)) else 0.0
    f.v[7] = 1.0 if (last & F_FULL_LAST) or (
        (last & F_FULL_CLOSER) and (before & F_FULL_STOP)) else 0.0
    return f


# -- the elements of a layout by number (``DomMain._marked_roots``, ``scores``) --

from cpython.mem cimport PyMem_Free, PyMem_Malloc, PyMem_Realloc


cdef class DomIndex:
    """A layout's elements numbered in the order of ``_Layout.elements``: each
    element's parent number (-1 at the top), and each block's element (the
    last path on its line; -1 for a block without one). Built once per
    layout, it lets the passes below keep their totals in C arrays instead of
    dicts keyed by path."""
    cdef public list paths  # number -> path
    cdef public list descriptors  # number -> the descriptor ``elements`` gives (or None)
    cdef int* parent
    cdef int* depth  # number -> how many elements are above it (its place on a line)
    cdef int* last
    cdef Py_ssize_t n, nblocks, cap
    cdef dict ids  # path -> number, while ``ancestry`` fills the index
    cdef public bint ready  # filled (by ``ancestry`` or ``dom_index``)

    cdef int _start(self, Py_ssize_t nblocks) except -1:
        """Make the index empty, for ``nblocks`` blocks (``ancestry``, ``dom_index``)."""
        if self.ready or self.n:
            raise ValueError("the index is not empty")
        self.paths = []
        self.descriptors = []
        self.ids = {}
        self.nblocks = nblocks
        self.last = <int*>PyMem_Malloc((nblocks if nblocks else 1) * sizeof(int))
        if self.last is NULL:
            raise MemoryError()
        return 0

    cdef int _push(self, str path, int up, object descriptor) except -1:
        """Number the next element, whose parent is number ``up`` (-1: none);
        ``ancestry`` and ``dom_index`` meet them in ``elements`` order."""
        cdef Py_ssize_t cap
        if self.n == self.cap:
            cap = 2 * self.cap if self.cap else 64
            grown = <int*>PyMem_Realloc(self.parent, cap * sizeof(int))
            if grown is NULL:
                raise MemoryError()
            self.parent = grown
            grown = <int*>PyMem_Realloc(self.depth, cap * sizeof(int))
            if grown is NULL:
                raise MemoryError()
            self.depth = grown
            self.cap = cap
        self.parent[self.n] = up
        self.depth[self.n] = self.depth[up] + 1 if up >= 0 else 0
        self.paths.append(path)
        self.descriptors.append(descriptor)
        self.n += 1
        return 0

    def __dealloc__(self):
        PyMem_Free(self.parent)
        PyMem_Free(self.depth)
        PyMem_Free(self.last)

    def elements(self):
        """``_Layout.elements`` of the numbered elements: path -> (parent path, ""
        at the top; descriptor), in their order."""
        if not self.ready:
            raise ValueError("the index is not filled")
        cdef dict out = {}
        cdef Py_ssize_t i
        cdef int up
        cdef list paths = self.paths, descriptors = self.descriptors
        for i in range(self.n):
            up = self.parent[i]
            out[paths[i]] = (paths[up] if up >= 0 else "", descriptors[i])
        return out

    def children(self):
        """``_Layout.children`` of the numbered elements: parent path ("" at the
        top) -> its children, in their order."""
        if not self.ready:
            raise ValueError("the index is not filled")
        cdef dict out = {}
        cdef Py_ssize_t i
        cdef int up
        cdef list paths = self.paths
        for i in range(self.n):
            up = self.parent[i]
            _child(out, <str>paths[up] if up >= 0 else "", <str>paths[i])
        return out

    def parent_of(self, Py_ssize_t i):
        """The number of element ``i``'s parent (-1 at the top), for the tests."""
        if not 0 <= i < self.n:
            raise IndexError(i)
        return self.parent[i]

    def element_of(self, Py_ssize_t k):
        """The number of block ``k``'s element (-1: none), for the tests."""
        if not 0 <= k < self.nblocks:
            raise IndexError(k)
        return self.last[k]


# -- ancestor paths of blocks (``filters.dom._ancestry_py``) --------------------

cdef inline str _parent_path(str path):
    """``path.rpartition("/")[0]``."""
    cdef Py_ssize_t at = PyUnicode_FindChar(path, 0x2F, 0, PyUnicode_GET_LENGTH(path), -1)
    return <str>PyUnicode_Substring(path, 0, at) if at > 0 else ""


cdef inline object _descriptor_at(object ctx, Py_ssize_t k):
    """``ctx[k] if k < len(ctx) else None``."""
    return ctx[k] if k < len(ctx) else None


cdef inline void _child(dict children, str parent, str path) except *:
    sibs = children.get(parent)
    if sibs is None:
        children[parent] = [path]
    else:
        (<list>sibs).append(path)


cdef inline Py_ssize_t _new_element(str path, str parent, int up, tuple line, object d,
                                    dict elements, dict memo, list lines_of, dict children,
                                    DomIndex ix) except -1:
    """Number the element ``path`` (under ``parent``, number ``up``; its ``line``
    and descriptor ``d``) for ``ancestry``: its number. ``elements`` and
    ``children`` are ``None`` when the index alone keeps them (``lazy``)."""
    cdef Py_ssize_t e = len(lines_of)
    if elements is not None:
        elements[path] = (parent, d)
        _child(children, parent, path)
    memo[path] = e
    lines_of.append(line)
    if ix is not None:
        ix._push(path, up, d)
    return e


def ancestry(list blocks, dict children, DomIndex ix=None, bint lazy=False):
    """``filters.dom._ancestry_py(blocks, children)``, the same steps in C; ``None``
    (and ``children`` untouched) when a block's path is neither a str nor ``None``.
    Given an empty :class:`DomIndex`, it numbers the elements there as it meets
    them (what ``dom_index`` gives for the result, without looking it all up again).
    Elements are numbered in the order of ``elements`` whether or not there is an
    index: the memo maps a path to its number, and ``lines_of`` a number to its line.
    Given ``lazy`` and an index, ``elements`` and ``children`` are not made (the
    result's second item is ``None``): the index gives them when they are asked
    for (:meth:`DomIndex.elements`, :meth:`DomIndex.children`)."""
    if _BLOCK is None:
        _block_slots()
    cdef dict memo = {}  # element path -> its number
    cdef list lines_of = []  # number -> the element's line
    cdef dict elements = None if lazy and ix is not None else {}
    if elements is None:
        children = None
    cdef list out = []
    cdef list missing
    cdef tuple line, known
    cdef str path, parent, p
    cdef Py_ssize_t j, e, cut
    cdef int up, last_up = -1
    cdef str last_parent = ""
    cdef Py_ssize_t k = -1
    for b in blocks:
        got = _b_path(b)
        if got is not None and type(got) is not str:
            return None
    if ix is not None:
        ix._start(len(blocks))
    for b in blocks:
        k += 1
        got = _b_path(b)
        path = <str>got if got is not None else ""
        cached = memo.get(path)
        if cached is not None:
            e = <Py_ssize_t>cached
            out.append(lines_of[e])
            if ix is not None:
                ix.last[k] = <int>e
            continue
        if PyUnicode_GET_LENGTH(path) == 0 or PyUnicode_READ(
                PyUnicode_KIND(path), PyUnicode_DATA(path), 0) != 0x2F:
            out.append(())
            if ix is not None:
                ix.last[k] = -1
            continue
        # the usual case: a new element under a known parent, most often the
        # parent of the element before it (its sibling): that one is compared
        # in place, without cutting the parent's path out and hashing it
        cut = PyUnicode_FindChar(path, 0x2F, 0, PyUnicode_GET_LENGTH(path), -1)
        if (last_up >= 0 and cut == PyUnicode_GET_LENGTH(last_parent)
                and PyUnicode_Tailmatch(path, last_parent, 0, cut, -1)):
            parent = last_parent
            cached = last_up
        else:
            parent = _parent_path(path)
            cached = memo.get(parent)
        if cached is not None:
            up = <int>cached
            last_parent, last_up = parent, up
            known = <tuple>lines_of[up]
            line = _appended(known, path)
            _new_element(path, parent, up, line, _descriptor_at(_b_context(b), len(known)),
                         elements, memo, lines_of, children, ix)
        else:  # more than one new element: walk up to a known one
            missing = []
            p = path
            known = ()
            up = -1
            while PyUnicode_GET_LENGTH(p):
                cached = memo.get(p)
                if cached is not None:
                    up = <int>cached
                    known = <tuple>lines_of[up]
                    break
                missing.append(p)
                p = _parent_path(p)
            parent = p
            ctx = _b_context(b)
            for j in range(len(missing) - 1, -1, -1):
                p = <str>missing[j]
                d = _descriptor_at(ctx, len(known))
                known = _appended(known, p)
                if j == 0:  # (the block's own element: its parent for the next one)
                    last_parent, last_up = parent, up
                up = <int>_new_element(p, parent, up, known, d, elements, memo, lines_of,
                                       children, ix)
                parent = p
            line = known
        out.append(line)
        if ix is not None:
            ix.last[k] = <int>(len(lines_of) - 1)
    if ix is not None:
        ix.ids = None
        ix.ready = True
    return out, elements


# -- container totals (the block loop of ``filters.dom.DomMain.scores``) --------

cdef inline object _fget(object f, str name, object default):
    """``f.get(name, default)``: a dict's (the features of every block scrubber
    makes) read by the C-level lookup, not by a call of its ``get`` method."""
    cdef int i
    if type(f) is dict:
        return (<dict>f).get(name, default)
    if type(f) is Features:
        i = _feature_index(name)
        return (<Features>f)._value(i) if (<Features>f)._has(i) else default
    return f.get(name, default)


cdef inline double _feature(object f, str name) except? -1.0:
    """``float(f.get(name, 0.0))``, as the reference's arithmetic converts it."""
    got = _fget(f, name, 0.0)
    return <double>got if type(got) is float else float(got)


cdef inline bint _flag(object f, str name) except -1:
    """``bool(f.get(name))``."""
    return bool(_fget(f, name, None))


cdef inline bint _reads_as_body(object f, double weighed, bint full_stop, double punct,
                                double sentence, double exclaim,
                                double long_units) except -1:
    """``MainRegion.body_like``'s test, given the block's features ``f``, its units
    weighed by link density, its full stop flag and punctuation count."""
    return ((full_stop and weighed >= sentence)
            or (_flag(f, "ends_sentence") and weighed >= exclaim)
            or (weighed >= long_units and punct >= 2))


def region_scores(list blocks, list verdicts, double sentence, double exclaim,
                  double long_units, double prose_density, double plain_density,
                  double dropped, double prose_units, double label, double short_cost,
                  double unit_cost):
    """``MainRegion.score`` for every block, with its arithmetic; the settings come
    in as ``MainRegion.scores`` passes them (costs negated, ``2 * short_units``)."""
    if _BLOCK is None:
        _block_slots()
    cdef Py_ssize_t i, n = len(blocks)
    cdef double units, linked, weighed, punct, share
    cdef bint full_stop
    cdef list out = []
    if len(verdicts) != n:
        raise ValueError("blocks and verdicts differ in length")
    for i in range(n):
        f = _b_features(blocks[i])
        units = _feature(f, "units")
        v = verdicts[i]
        if v is not None:
            out.append(units + 5 if v.keep else dropped)
            continue
        linked = _feature(f, "link_density")
        share = linked * 1.5
        weighed = units * (1.0 - (share if share < 1.0 else 1.0))
        full_stop = _flag(f, "full_stop")
        punct = _feature(f, "punct")
        if _reads_as_body(f, weighed, full_stop, punct, sentence, exclaim, long_units):
            out.append(units)  # body-like
        elif full_stop and punct >= 2 and linked < prose_density and units >= prose_units:
            out.append(units * (1.0 - linked))
        elif punct >= 1 and units < long_units:
            out.append(label)
        elif units >= long_units and "link_density" in f and linked < plain_density:
            out.append(label)
        else:
            out.append(-(short_cost + unit_cost * units))
    return out


cdef inline void _good_bad(object block, bint body, object rule, object verdict,
                           double short_cost, double marked_weight, double* g,
                           double* bd) except *:
    """A block's good and bad units as ``DomMain.scores`` counts them (the
    reference's arithmetic, in its order)."""
    f = _b_features(block)
    cdef double units = _feature(f, "units")
    cdef double ld = _feature(f, "link_density")
    if body:
        g[0] = units * (1.0 - ld)
        bd[0] = units * ld
    else:
        g[0] = 0.0
        bd[0] = units * ld + (short_cost if ld < 1 else 0.0)
    if rule and rule != "comment" and rule != "header":
        bd[0] = bd[0] + g[0] * marked_weight
        g[0] = 0.0
    if verdict is not None and not verdict.keep:
        bd[0] = bd[0] + g[0] * marked_weight
        g[0] = 0.0


def add_scores(list blocks, list verdicts, list lines, list body, dict rule_of,
               dict good, dict bad, double short_cost, double marked_weight):
    """The block loop of ``DomMain.scores`` when every element has started (its
    ``early`` case): add each block's good and bad units to every element on its
    line, in block order, with the reference's arithmetic."""
    if _BLOCK is None:
        _block_slots()
    cdef Py_ssize_t i, n = len(blocks)
    cdef double g, bd
    cdef tuple line
    if len(verdicts) != n or len(lines) != n or len(body) != n:
        raise ValueError("blocks, verdicts, lines and body differ in length")
    for i in range(n):
        line = <tuple>lines[i]
        if not line:
            continue
        rule = rule_of[line[-1]]
        if rule == "hidden":
            continue
        _good_bad(blocks[i], body[i], rule, verdicts[i], short_cost, marked_weight, &g, &bd)
        if g:
            for p in line:
                good[p] = <double>good[p] + g
        if bd:
            for p in line:
                bad[p] = <double>bad[p] + bd



def start_elements(list blocks, list lines, dict rule_of, dict roots, dict good, dict bad,
                   dict desc, set banned, dict children):
    """The starts that ``DomMain.scores`` makes in its block loop when some
    elements are hidden (no ``early``): the elements on the line of each block
    outside a hidden region, in the order those blocks first reach them, each
    as ``DomMain._register`` starts it. Each started element is also added to
    its parent's list in ``children`` (what ``filters.dom._children(good)``
    gives afterwards: a line's paths are each other's ``rpartition`` prefixes)."""
    if _BLOCK is None:
        _block_slots()
    cdef Py_ssize_t i, j, k, m, n = len(blocks)
    cdef tuple line
    cdef bint under
    if len(lines) != n:
        raise ValueError("blocks and lines differ in length")
    for i in range(n):
        line = <tuple>lines[i]
        m = len(line)
        if not m or line[m - 1] in good or rule_of[line[m - 1]] == "hidden":
            continue
        ctx = _b_context(blocks[i])
        k = m  # elements start with their ancestors: all after the first new one are new
        while k and line[k - 1] not in desc:
            k -= 1
        under = k > 0 and line[k - 1] in banned
        for j in range(k, m):
            p = line[j]
            desc[p] = ctx[j] if j < len(ctx) else (<str>p).rpartition("/")[2]
            good[p] = 0.0
            bad[p] = 0.0
            _child(children, <str>line[j - 1] if j else "", <str>p)
            mark = roots.get(p)
            if under or (mark and mark != "header" and mark != "comment"):
                banned.add(p)
                under = True


cdef inline bint _starts(int kind, void* data, Py_ssize_t n, const char* word) noexcept:
    """Do the first characters of string data ``n`` long read ``word`` (ASCII)?"""
    cdef Py_ssize_t i = 0
    while word[i]:
        if i >= n or PyUnicode_READ(kind, data, i) != <Py_UCS4>word[i]:
            return False
        i += 1
    return True


cdef inline bint _is_article(object d) except -1:
    """``d.startswith("article") and d[7:8] in ("", " ")`` for a str ``d``."""
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(d)
    cdef int kind = PyUnicode_KIND(d)
    cdef void* data = PyUnicode_DATA(d)
    return _starts(kind, data, n, b"article") and (
        n == 7 or PyUnicode_READ(kind, data, 7) == 0x20)


cdef long _score_kind(str d, object markers_of, frozenset positive) except -1:
    """``filters.dom._score_kind(d)``: 2 when ``markers_of(d)`` is "hidden", 1 for
    an ``article`` or ``main`` tag or a token of ``positive``, else 0."""
    return _kind_of_marked(d, markers_of(d), positive)


cdef long _kind_of_marked(str d, object mark, frozenset positive) except -1:
    """``_score_kind`` of ``d`` whose marker (``markers_of(d)``) is ``mark``."""
    if mark == "hidden":
        return 2
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(d), start, end
    end = PyUnicode_FindChar(d, 0x20, 0, n, 1)
    if end < 0:
        end = n
    tag = PyUnicode_Substring(d, 0, end)
    if tag == "article" or tag == "main":
        return 1
    start = end + 1
    while start < n:  # the tokens of ``rest.split(" ")``, empty ones passed over
        end = PyUnicode_FindChar(d, 0x20, start, n, 1)
        if end < 0:
            end = n
        if end > start and PyUnicode_Substring(d, start, end) in positive:
            return 1
        start = end + 1
    return 0


cdef inline double _kind_score(double base, long kind, double positive_boost) noexcept:
    """``DomMain.container_score`` of a container that is not banned, from its
    base (good minus weighted bad) and its ``_score_kind``."""
    if kind == 2:  # hidden
        return -INFINITY
    if kind == 1:  # <article>, <main> or an article-ish token
        return base * positive_boost if base > 0 else base
    return base


def score_kind(str d, object markers_of, frozenset positive):
    """``_score_kind`` (for the tests)."""
    return _score_kind(d, markers_of, positive)


def best_container(dict good, dict bad, dict desc, set banned, double min_good,
                   double bad_weight, double positive_boost, double only_article_boost,
                   object kind_of, object markers_of=None, frozenset positive=None):
    """The loop of ``DomMain.choose`` with ``DomMain.container_score`` inlined: the
    path of the highest score above 0 (the first of equal ones), or ``None``.
    ``kind_of(descriptor)`` is ``filters.dom._score_kind``; given ``markers_of``
    (``filters.dom._markers_of``) and ``positive`` (``POSITIVE``), it is
    worked out here instead (``_score_kind``). ``False`` when a descriptor is
    not a str: that page is left to the reference."""
    cdef Py_ssize_t articles = 0
    cdef double best = 0.0, s, base, g
    only = None
    for p in good:
        d = desc[p]
        if type(d) is not str:
            return False
        if _is_article(d):
            articles += 1
            only = p
    if articles != 1:
        only = None
    best_path = None
    for p, gv in good.items():
        g = <double>gv if type(gv) is float else float(gv)
        if g < min_good:
            continue
        base = g - bad_weight * float(bad[p])
        if p in banned:
            s = -INFINITY
        else:
            s = _kind_score(base, _score_kind(<str>desc[p], markers_of, positive)
                            if positive is not None else kind_of(desc[p]), positive_boost)
        if only is not None and s > 0 and p == only:
            s *= only_article_boost
        if s > best:
            best = s
            best_path = p
    return best_path

# -- the marker of a descriptor (``filters.dom._markers_of``) ------------------

cdef class MarkerReader:
    """``filters.dom._markers_py`` compiled: the rule id a descriptor's tag or
    tokens mark, or ``None``. A token becomes a string only when its first
    character and length are those of a marker or story word (for ASCII first
    characters under 64 long; any other token always does), so most tokens of
    a descriptor are passed over without making one."""
    cdef dict tags  # tag -> rule (TAG_MARKERS)
    cdef dict rank  # marker token -> (position, rule) (_MARKER_RANK)
    cdef frozenset story  # STORY
    cdef object reference  # the Python function, for what is not a str
    cdef unsigned long long words[128]  # bit L of [c]: a marker/story word starts c, L long
    cdef unsigned long long tag_words[128]  # ... likewise for the tags of ``tags``

    def __init__(self, dict tags, dict rank, frozenset story, object reference):
        self.tags = tags
        self.rank = rank
        self.story = story
        self.reference = reference
        cdef Py_ssize_t c
        for c in range(128):
            self.words[c] = 0
            self.tag_words[c] = 0
        for w in (*rank, *story, "@hidden"):
            _mark_word(self.words, w)
        for w in tags:
            _mark_word(self.tag_words, w)

    def __call__(self, descriptor):
        if type(descriptor) is not str:
            return self.reference(descriptor)
        cdef str d = <str>descriptor
        cdef Py_ssize_t n = PyUnicode_GET_LENGTH(d), sp, a, b
        cdef int kind = PyUnicode_KIND(d)
        cdef void* data = PyUnicode_DATA(d)
        cdef bint hidden = False, storied = False
        cdef long best = -1, r
        best_rule = None
        sp = PyUnicode_FindChar(d, 0x20, 0, n, 1)
        a = n if sp < 0 else sp
        if _may_be(self.tag_words, kind, data, 0, a):
            tag = d if sp < 0 else PyUnicode_Substring(d, 0, a)
            if tag in self.tags:
                return self.tags[tag]
        if sp < 0 or sp == n - 1:
            return None  # no tokens
        a = sp + 1
        while a <= n:
            b = PyUnicode_FindChar(d, 0x20, a, n, 1)
            if b < 0:
                b = n
            if _may_be(self.words, kind, data, a, b):
                t = PyUnicode_Substring(d, a, b)
                got = self.rank.get(t)
                if got is not None:  # min() of the (position, rule) pairs
                    r = (<tuple>got)[0]
                    if best < 0 or r < best or (r == best and (<tuple>got)[1] < best_rule):
                        best = r
                        best_rule = (<tuple>got)[1]
                if t == "@hidden":
                    hidden = True
                elif t in self.story:
                    storied = True
            a = b + 1
        if best < 0:
            return None
        if not hidden:
            if storied:
                return None  # the story: never a boilerplate region
            if sp == 4 and (_starts(kind, data, n, b"body") or _starts(kind, data, n, b"html")):
                return None  # the page itself
        return best_rule


cdef void _mark_word(unsigned long long* table, object w) except *:
    """Set the bit of ``w``'s length in the row of its first character (ASCII, < 64)."""
    cdef str s = <str>w
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(s)
    cdef Py_UCS4 c
    if n == 0 or n >= 64:
        return  # (such words are found by the slow path: _may_be lets them through)
    c = PyUnicode_READ(PyUnicode_KIND(s), PyUnicode_DATA(s), 0)
    if c < 128:
        table[c] |= 1ULL << n


cdef inline bint _may_be(unsigned long long* table, int kind, void* data, Py_ssize_t a,
                         Py_ssize_t b) noexcept:
    """Might ``d[a:b]`` be one of the words of ``table``? (Yes for what it cannot rule out.)"""
    cdef Py_ssize_t n = b - a
    cdef Py_UCS4 c
    if n == 0 or n >= 64:
        return True
    c = PyUnicode_READ(kind, data, a)
    if c >= 128:
        return True
    return (table[c] >> n) & 1


# -- the passes over the element index (``DomMain._marked_roots``, ``scores``) --

def dom_index(list lines, dict elements):
    """The :class:`DomIndex` of ``_ancestry``'s ``lines`` and ``elements``; ``None``
    when they do not have its shape (a parent met after its child, a line that
    is not the chain of parents of its last path), which leaves the page to the
    reference passes."""
    cdef DomIndex ix = DomIndex.__new__(DomIndex)
    cdef Py_ssize_t nb = len(lines), k, j, depth
    cdef tuple line
    ix._start(nb)
    for p, v in elements.items():
        parent, d = v
        if type(p) is not str or type(parent) is not str or (parent and parent not in ix.ids):
            return None
        ix.ids[p] = ix.n
        ix._push(p, <int>ix.ids[parent] if parent else -1, d)
    for k in range(nb):
        line = <tuple>lines[k]
        if not line:
            ix.last[k] = -1
            continue
        got = ix.ids.get(line[len(line) - 1])
        if got is None:
            return None
        # the line is the chain of parents, root first (what _ancestry builds)
        j = <int>got
        depth = len(line) - 1
        while j >= 0 and depth >= 0 and (ix.paths[j] is line[depth]
                                          or ix.paths[j] == line[depth]):
            j = ix.parent[j]
            depth -= 1
        if j >= 0 or depth >= 0:
            return None
        ix.last[k] = <int>got
    ix.ids = None
    ix.ready = True
    return ix


cdef inline object _marked(dict memo, object d, object markers_of):
    """``markers_of(d)``, kept in ``memo`` (the document's markers of
    descriptors, ``filters.dom._Layout.marks``) the first time it is read;
    without a memo (``None``), read each time."""
    if memo is None:
        return markers_of(d)
    m = memo.get(d, _UNREAD)
    if m is _UNREAD:
        m = memo[d] = markers_of(d)
    return m


cdef inline dict _dict_or_none(object marks):
    """``marks`` as a dict for the C-level calls (which read a subclass's entries
    without its ``__missing__``), ``None`` for ``None``."""
    if marks is None:
        return None
    if not isinstance(marks, dict):
        raise TypeError(f"marks must be a dict, not {type(marks).__name__}")
    return <dict>marks


def marked_roots(DomIndex ix, list blocks, list body, object markers_of, double share,
                 object marks=None):
    """``DomMain._marked_roots`` on the index (the same sums, in the same order);
    ``markers_of`` is ``filters.dom._markers_of``; ``marks``, when given (a dict,
    or a subclass such as ``filters.dom._Marks``), keeps the marker of each
    descriptor (a str) read, for the document's other passes."""
    if _BLOCK is None:
        _block_slots()
    cdef dict memo = _dict_or_none(marks)
    cdef Py_ssize_t n = ix.n, nb = ix.nblocks, i, k, count = 0
    cdef int j, up
    cdef double g, total = 0.0
    cdef int* near = NULL  # the nearest marked element at or above each element
    cdef int* link = NULL  # the nearest marked element above each marked one
    cdef double* sums = NULL
    cdef list found = [None] * n  # element -> its marker
    if len(blocks) != nb or len(body) != nb:
        raise ValueError("blocks, body and the index differ in length")
    near = <int*>PyMem_Malloc((n if n else 1) * sizeof(int))
    link = <int*>PyMem_Malloc((n if n else 1) * sizeof(int))
    sums = <double*>PyMem_Malloc((n if n else 1) * sizeof(double))
    try:
        if near is NULL or link is NULL or sums is NULL:
            raise MemoryError()
        for i in range(n):
            d = ix.descriptors[i]
            if d is None:
                m = None
            elif memo is not None and type(d) is str:
                m = _marked(memo, d, markers_of)
            else:
                m = markers_of(d)
            up = near[ix.parent[i]] if ix.parent[i] >= 0 else -1
            if m:
                found[i] = m
                link[i] = up
                near[i] = <int>i
                sums[i] = 0.0
                count += 1
            else:
                near[i] = up
        if not count:
            return {}
        for k in range(nb):
            if ix.last[k] < 0:
                continue
            g = _feature(_b_features(blocks[k]), "units") if body[k] else 0.0
            total += g
            if g:
                j = near[ix.last[k]]
                while j >= 0:
                    sums[j] += g
                    j = link[j]
        out = {}
        for i in range(n):
            m = found[i]
            if m is not None and (m == "hidden" or m == "consent" or m == "dialog"
                                  or sums[i] < share * total):
                out[ix.paths[i]] = m
        return out
    finally:
        PyMem_Free(near)
        PyMem_Free(link)
        PyMem_Free(sums)


cdef int _index_rules(DomIndex ix, dict roots, list rule_of, char* ban) except -1:
    """Per element of ``ix``, in its order: the rule of its innermost marked root
    (``rule_of``: its own mark in ``roots``, else its parent's), and, given
    ``ban``, whether ``DomMain.scores`` bans it when every element starts in
    the layout's order (under a banned parent, or marked as anything but a
    header or a comment)."""
    cdef Py_ssize_t i
    cdef int up
    missing = object()
    for i in range(ix.n):
        up = ix.parent[i]
        m = roots.get(ix.paths[i], missing)
        if m is missing:
            m = None
            rule_of[i] = rule_of[up] if up >= 0 else None
        else:
            rule_of[i] = m
        if ban is not NULL:
            ban[i] = 1 if ((up >= 0 and ban[up]) or (m and m != "header" and m != "comment")) \
                else 0
    return 0


cdef int _index_add(DomIndex ix, list blocks, list verdicts, list body, list rule_of,
                    double short_cost, double marked_weight, double* good,
                    double* bad) except -1:
    """The block loop of ``DomMain.scores``: each block's good and bad units
    (``_good_bad``) added to its element and every element above it, in block
    order; blocks in hidden regions are passed over."""
    cdef Py_ssize_t k
    cdef int j
    cdef double g, bd
    for k in range(ix.nblocks):
        j = ix.last[k]
        if j < 0:
            continue
        rule = rule_of[j]
        if rule == "hidden":
            continue
        _good_bad(blocks[k], body[k], rule, verdicts[k], short_cost, marked_weight, &g, &bd)
        if g:
            while j >= 0:
                good[j] += g
                j = ix.parent[j]
            j = ix.last[k]
        if bd:
            while j >= 0:
                bad[j] += bd
                j = ix.parent[j]
    return 0


cdef Py_ssize_t _index_start(DomIndex ix, list blocks, dict roots, list rule_of, bint early,
                             char* ban, char* started, int* fresh, int* order, list descs,
                             dict children) except -1:
    """Start the elements as ``DomMain.scores`` does: their rules and bans
    (``_index_rules``), their descriptors (``descs``, by number) and the order
    they start in (``order``; the count is returned). ``early``: every element,
    in the index's order, with the descriptor the layout gives it. Else (a
    hidden region) the elements the blocks outside hidden regions reach, as
    they first reach them, each with the descriptor of that block's context
    (``DomMain._register``), banned under a banned ancestor or when marked as
    anything but a header or a comment; ``children`` (when not ``None``) gets
    each under its parent's path as it starts."""
    cdef Py_ssize_t n = ix.n, i, k, top, nctx, norder = 0
    cdef int j, e
    cdef bint under
    _index_rules(ix, roots, rule_of, ban if early else NULL)
    if early:
        for i in range(n):
            d = ix.descriptors[i]
            descs[i] = d if d is not None else (<str>ix.paths[i]).rpartition("/")[2]
            order[i] = <int>i
        return n
    for i in range(n):
        started[i] = 0
    for k in range(ix.nblocks):
        e = ix.last[k]
        if e < 0 or started[e] or rule_of[e] == "hidden":
            continue
        top = 0
        j = e
        while j >= 0 and not started[j]:  # elements start with their ancestors
            fresh[top] = j
            top += 1
            j = ix.parent[j]
        under = j >= 0 and ban[j]
        ctx = _b_context(blocks[k])
        nctx = len(ctx)
        while top:
            top -= 1
            j = fresh[top]
            p = ix.paths[j]
            started[j] = 1
            order[norder] = j
            norder += 1
            descs[j] = ctx[ix.depth[j]] if ix.depth[j] < nctx else (<str>p).rpartition("/")[2]
            if children is not None:
                _child(children, <str>ix.paths[ix.parent[j]] if ix.parent[j] >= 0 else "",
                       <str>p)
            mark = roots.get(p)
            if under or (mark and mark != "header" and mark != "comment"):
                under = True
            ban[j] = under
    return norder


cdef class _IndexArrays:
    """The per-element arrays of a scoring on the index (freed with the object)."""
    cdef double* good
    cdef double* bad
    cdef char* ban
    cdef char* started
    cdef int* fresh
    cdef int* order

    def __cinit__(self, Py_ssize_t n):
        if n < 1:
            n = 1
        self.good = <double*>PyMem_Malloc(n * sizeof(double))
        self.bad = <double*>PyMem_Malloc(n * sizeof(double))
        self.ban = <char*>PyMem_Malloc(n)
        self.started = <char*>PyMem_Malloc(n)
        self.fresh = <int*>PyMem_Malloc(n * sizeof(int))
        self.order = <int*>PyMem_Malloc(n * sizeof(int))
        if (self.good is NULL or self.bad is NULL or self.ban is NULL or self.started is NULL
                or self.fresh is NULL or self.order is NULL):
            raise MemoryError()
        cdef Py_ssize_t i
        for i in range(n):
            self.good[i] = 0.0
            self.bad[i] = 0.0

    def __dealloc__(self):
        PyMem_Free(self.good)
        PyMem_Free(self.bad)
        PyMem_Free(self.ban)
        PyMem_Free(self.started)
        PyMem_Free(self.fresh)
        PyMem_Free(self.order)


cdef Py_ssize_t _index_totals(DomIndex ix, list blocks, list verdicts, list body, dict roots,
                              double short_cost, double marked_weight, bint early,
                              _IndexArrays a, list descs, dict children) except -1:
    """``DomMain.scores`` into ``a``: the elements started (``_index_start``) and
    every block's units added (``_index_add``); the number started."""
    if len(blocks) != ix.nblocks or len(body) != ix.nblocks or len(verdicts) != ix.nblocks:
        raise ValueError("blocks, verdicts, body and the index differ in length")
    cdef list rule_of = [None] * ix.n
    cdef Py_ssize_t norder = _index_start(ix, blocks, roots, rule_of, early, a.ban, a.started,
                                          a.fresh, a.order, descs, children)
    _index_add(ix, blocks, verdicts, body, rule_of, short_cost, marked_weight, a.good, a.bad)
    return norder


def index_scores(DomIndex ix, list blocks, list verdicts, list body, dict roots,
                 double short_cost, double marked_weight, bint early):
    """``DomMain.scores`` on the index: ``(good, bad, descriptor, banned, children)``
    with the same floats, keys and order as the reference's loops. ``early``:
    every element starts in the layout's order, with the descriptor the layout
    gives it (``children`` is then ``None``: the layout's own). Else (a hidden
    region) the elements start as the blocks outside hidden regions first reach
    them, each with the descriptor of that block's context (``DomMain._register``),
    and ``children`` lists them as they start."""
    if _BLOCK is None:
        _block_slots()
    cdef _IndexArrays a = _IndexArrays(ix.n)
    cdef list descs = [None] * ix.n
    cdef dict children = None if early else {}
    cdef Py_ssize_t k, norder = _index_totals(ix, blocks, verdicts, body, roots, short_cost,
                                              marked_weight, early, a, descs, children)
    cdef int j
    cdef dict desc = {}, good_of = {}, bad_of = {}
    cdef set banned = set()
    for k in range(norder):
        j = a.order[k]
        p = ix.paths[j]
        desc[p] = descs[j]
        if a.ban[j]:
            banned.add(p)
        good_of[p] = a.good[j]
        bad_of[p] = a.bad[j]
    return good_of, bad_of, desc, banned, children


def index_choose(DomIndex ix, list blocks, list verdicts, list body, dict roots,
                 double short_cost, double marked_weight, bint early, double min_good,
                 double bad_weight, double positive_boost, double only_article_boost,
                 object markers_of, frozenset positive, object shape_of,
                 Py_ssize_t thread_levels, double thread_posts, object plain_units,
                 object marks=None):
    """``DomMain.choose`` on the index: the scores (``index_scores``), the best of
    them (``best_container``) and the widening to a thread (``DomMain._thread``),
    read from the index's arrays, without the dicts of every element's totals
    that ``ContainerScores`` holds. The chosen path, ``None``, or ``False``
    when the index cannot stand for the reference here (a descriptor that is
    not a str, an ancestor that did not start): the caller then runs the
    reference. ``plain_units(paths)`` is ``DomMain._plain_units`` of the
    layout, for the thread test of replies without prose. ``marks``: the
    document's markers of descriptors (``_Layout.marks``), read and filled
    in place of calling ``markers_of``; a candidate's kind is worked out once
    per descriptor."""
    if _BLOCK is None:
        _block_slots()
    cdef dict memo = _dict_or_none(marks)
    cdef dict kinds = {}
    cdef _IndexArrays a = _IndexArrays(ix.n)
    cdef list descs = [None] * ix.n, sibs
    cdef Py_ssize_t norder = _index_totals(ix, blocks, verdicts, body, roots, short_cost,
                                           marked_weight, early, a, descs, None)
    cdef Py_ssize_t k, up, levels, articles = 0
    cdef int j, node, pid, best_i = -1, only = -1
    cdef double best = 0.0, s, base, g, bd
    for k in range(norder):  # best_container's loops, in the order the elements started
        d = descs[a.order[k]]
        if type(d) is not str:
            return False
        if _is_article(d):
            articles += 1
            only = a.order[k]
    if articles != 1:
        only = -1
    for k in range(norder):
        j = a.order[k]
        g = a.good[j]
        if g < min_good:
            continue
        base = g - bad_weight * a.bad[j]
        if a.ban[j]:
            s = -INFINITY
        else:
            d = descs[j]
            kind_of = kinds.get(d)
            if kind_of is None:
                kind_of = kinds[d] = _kind_of_marked(<str>d, _marked(memo, d, markers_of),
                                                     positive)
            s = _kind_score(base, <long>kind_of, positive_boost)
        if only >= 0 and s > 0 and j == only:
            s *= only_article_boost
        if s > best:
            best = s
            best_i = j
    if best_i < 0:
        return None
    path = <str>ix.paths[best_i]
    if not path:
        return None
    # DomMain._thread: up to ``thread_levels`` levels, not the top one
    levels = path.count("/") - 1  # (the reference's ``len(path.split("/")) - 2``)
    if thread_levels < levels:
        levels = thread_levels
    node = best_i
    for up in range(levels):
        if up:
            node = ix.parent[node]
        pid = ix.parent[node] if node >= 0 else -1
        if node < 0 or pid < 0 or (not early and not a.started[node]):
            return False  # (the reference reads paths this scoring does not hold)
        shape = shape_of(descs[node])
        if " " not in shape:  # a bare tag repeats everywhere
            continue
        sibs = []  # the parent's children as they started (the layout's order, early)
        for k in range(norder):
            j = a.order[k]
            if ix.parent[j] == pid and j != node and shape_of(descs[j]) == shape \
                    and not a.ban[j]:
                sibs.append(j)
        g = 0.0
        bd = 0.0
        for j in sibs:
            g += a.good[j]
        for j in sibs:
            bd += a.bad[j]
        if sibs and g >= min_good / 2 and g >= bd / 2:
            return ix.paths[pid]
        d = descs[node]
        if len(sibs) + 1 >= thread_posts and _marked(memo, d, markers_of) in (None, "comment"):
            text = <double>float(plain_units([ix.paths[j] for j in sibs]))
            if text >= min_good and text >= bd / 2:
                return ix.paths[pid]
    return path


# -- lines holding a literal and its rest (``rules.LineScreen``) ----------------

cdef extern from "Python.h":
    Py_ssize_t PyUnicode_Tailmatch(object, object, Py_ssize_t, Py_ssize_t, int) except -1


cdef inline Py_ssize_t _literal_next(int kind, const void* data, Py_ssize_t j, Py_ssize_t n,
                                     const unsigned char* table,
                                     const unsigned char* pairs) noexcept nogil:
    """The first position from ``j`` on (``n``: none) where ``literal_lines`` looks
    for a literal: a character past the BMP, or one ``table`` marks (2), or
    marks 1 with its pair (its next character) set in ``pairs``. A loop per
    string width, so that each character is read without a test of the kind."""
    cdef const Py_UCS1* s1
    cdef const Py_UCS2* s2
    cdef const unsigned int* s4  # (Py_UCS4: 32 bits)
    cdef unsigned int c
    cdef unsigned char t
    if kind == PyUnicode_1BYTE_KIND:
        s1 = <const Py_UCS1*>data
        while j < n:
            c = s1[j]
            t = table[c]
            if t and (t != 1 or (j + 1 < n and pairs[c << 8 | s1[j + 1]])):
                return j
            j += 1
    elif kind == PyUnicode_2BYTE_KIND:
        s2 = <const Py_UCS2*>data
        while j < n:
            c = s2[j]
            t = table[c]
            if t and (t != 1 or (j + 1 < n and pairs[(c & 0xFF) << 8 | (s2[j + 1] & 0xFF)])):
                return j
            j += 1
    else:
        s4 = <const unsigned int*>data
        while j < n:
            c = s4[j]
            if c >= 0x10000:
                return j
            t = table[c]
            if t and (t != 1 or (j + 1 < n and pairs[(c & 0xFF) << 8 | (s4[j + 1] & 0xFF)])):
                return j
            j += 1
    return n


def literal_lines(list keys, const unsigned char[::1] table, const unsigned char[::1] pairs,
                  dict by_first, object longest=None, Py_ssize_t shortest=0,
                  bytes last=None):
    """Indices of the ``keys`` holding, at some position, one of the literals of
    ``by_first[code point of the character there]`` followed by a match of that
    literal's rest (``rest(key, end of the literal)``; ``None``: the literal is
    enough). ``table[c]`` is nonzero for the BMP characters some literal starts
    with: 1 when all those literals are two characters or more, whose first two
    characters then set ``pairs[(c1 & 0xFF) << 8 | (c2 & 0xFF)]`` (positions
    whose pair is not set hold none of them). Each literal comes as ``(literal,
    rest, starts, lasts)``: ``starts``, when not ``None``, is a bitmap of the BMP
    characters a match of ``rest`` can start with (``rules._starts``), and the
    rest is not tried after a literal followed by none of them; ``lasts``, when
    not ``None``, one of the BMP characters the key must end with for this
    entry (a key ending past the BMP passes). What ``rules._lines_found`` finds
    with the regex of the same copies (of the entries whose ``lasts`` let the
    key through). Only the
    keys of ``shortest`` to ``longest`` characters (``None``: no bound) are
    looked at, and, given ``last`` (a bitmap of the BMP: bit ``c & 7`` of byte
    ``c >> 3``), only those whose last character is in it or past the BMP."""
    cdef list out = []
    cdef Py_ssize_t i, j, n, end
    cdef unsigned int after
    cdef bytes bits
    cdef Py_UCS4 tail
    cdef Py_ssize_t upto = -1 if longest is None else <Py_ssize_t>longest
    cdef const unsigned char* ends = NULL
    if last is not None:
        if PyBytes_GET_SIZE(last) < 0x2000:
            raise ValueError("last: a bitmap of the BMP (8192 bytes)")
        ends = <const unsigned char*>PyBytes_AS_STRING(last)
    cdef int kind
    cdef void* data
    cdef Py_UCS4 c
    cdef bint found
    cdef str key
    if table.shape[0] < 0x10000 or pairs.shape[0] < 0x10000:
        raise ValueError("table and pairs: 65,536 flags each")
    cdef const unsigned char* tab = &table[0]
    cdef const unsigned char* pair = &pairs[0]
    for i in range(len(keys)):
        key = <str>keys[i]
        n = PyUnicode_GET_LENGTH(key)
        if n < shortest or (upto >= 0 and n > upto):
            continue
        kind = PyUnicode_KIND(key)
        data = PyUnicode_DATA(key)
        if last is not None:
            if n == 0:
                continue
            c = PyUnicode_READ(kind, data, n - 1)
            if c < 0x10000 and not (ends[<unsigned int>c >> 3] >> (<unsigned int>c & 7)) & 1:
                continue
        tail = PyUnicode_READ(kind, data, n - 1) if n else 0x10000
        found = False
        j = -1
        while True:
            j = _literal_next(kind, data, j + 1, n, tab, pair)
            if j >= n:
                break
            c = PyUnicode_READ(kind, data, j)
            cands = by_first.get(<long>c)
            if cands is None:
                continue
            for lit, rest, starts, lasts in <list>cands:
                if lasts is not None and tail < 0x10000:
                    bits = lasts
                    if PyBytes_GET_SIZE(bits) < 0x2000:
                        raise ValueError("lasts: a bitmap of the BMP (8192 bytes)")
                    if not ((<const unsigned char*>PyBytes_AS_STRING(bits))[
                            <unsigned int>tail >> 3] >> (<unsigned int>tail & 7)) & 1:
                        continue
                if not PyUnicode_Tailmatch(key, lit, j, n, -1):
                    continue
                if rest is None:
                    found = True
                    break
                end = j + PyUnicode_GET_LENGTH(lit)
                bits = starts  # (bytes or None: checked)
                if bits is not None and PyBytes_GET_SIZE(bits) >= 0x2000:
                    # the character after the literal must be one a match starts with
                    if end >= n:
                        continue
                    after = <unsigned int>PyUnicode_READ(kind, data, end)
                    if after < 0x10000 and not (
                            (<const unsigned char*>PyBytes_AS_STRING(bits))[after >> 3]
                            >> (after & 7)) & 1:
                        continue
                if rest(key, end) is not None:
                    found = True
                    break
            if found:
                break
        if found:
            out.append(i)
    return out


# -- Block objects built column by column (``model.blocks_from_columns``) -------

cdef extern from *:
    """
    #include "structmember.h"
    /* The instance offset of a slot (a member descriptor holding any object,
       writable), or -1. */
    static Py_ssize_t scrubber_slot_offset(PyObject* d) {
        PyMemberDef* m;
        if (!Py_IS_TYPE(d, &PyMemberDescr_Type)) return -1;
        m = ((PyMemberDescrObject*)d)->d_member;
        if (m->type != T_OBJECT_EX || (m->flags & READONLY)) return -1;
        return m->offset;
    }
    static PyObject* scrubber_alloc(PyTypeObject* t) { return t->tp_alloc(t, 0); }
    /* The object in a slot, borrowed (NULL when the slot is empty). */
    static PyObject* scrubber_get_slot(PyObject* o, Py_ssize_t offset) {
        return *(PyObject**)((char*)o + offset);
    }
    /* What the slot's descriptor does on assignment: store a new reference. */
    static void scrubber_set_slot(PyObject* o, Py_ssize_t offset, PyObject* v) {
        PyObject** p = (PyObject**)((char*)o + offset);
        PyObject* old = *p;
        Py_INCREF(v);
        *p = v;
        Py_XDECREF(old);
    }
    """
    Py_ssize_t scrubber_slot_offset(object d)
    object scrubber_alloc(type t)
    PyObject* scrubber_get_slot(object o, Py_ssize_t offset)
    void scrubber_set_slot(object o, Py_ssize_t offset, object v)


def slot_offsets(type cls, tuple names):
    """The offsets of the slots ``names`` of ``cls`` (``None`` if one is not a
    plain object slot: then the Python path builds the blocks)."""
    out = []
    for name in names:
        offset = scrubber_slot_offset(cls.__dict__.get(name))
        if offset < 0:
            return None
        out.append(offset)
    return tuple(out)


# -- a Block's fields read from its slots (the compiled loops over blocks) -------

cdef type _BLOCK = None  # scrubber.model.Block, once its slots are read (``_block_slots``)
cdef Py_ssize_t _B_TEXT, _B_PATH, _B_CONTEXT, _B_FEATURES, _B_ROLE, _B_KEY


cdef int _block_slots() except -1:
    """Read where a Block keeps ``text``, ``path``, ``context``, ``features``,
    ``role`` and ``key`` (once per process). A block of another type, or a Block
    whose slots are not plain object slots, is read by attribute as before."""
    global _BLOCK, _B_TEXT, _B_PATH, _B_CONTEXT, _B_FEATURES, _B_ROLE, _B_KEY
    from scrubber.model import Block
    offsets = slot_offsets(Block, ("text", "path", "context", "features", "role", "key"))
    if offsets is None:
        _BLOCK = type(None)  # no block is of this type: every read is by attribute
        return 0
    _B_TEXT, _B_PATH, _B_CONTEXT, _B_FEATURES, _B_ROLE, _B_KEY = offsets
    _BLOCK = Block
    return 0


cdef inline object _slot_or(object b, Py_ssize_t offset, str name):
    """``getattr(b, name)``, from the slot at ``offset`` for a Block."""
    cdef PyObject* p
    if type(b) is _BLOCK:
        p = scrubber_get_slot(b, offset)
        if p is not NULL:
            return <object>p
    return getattr(b, name)


cdef inline object _b_features(object b):
    return _slot_or(b, _B_FEATURES, "features")


cdef inline object _b_context(object b):
    return _slot_or(b, _B_CONTEXT, "context")


cdef inline object _b_path(object b):
    return _slot_or(b, _B_PATH, "path")


cdef inline object _b_text(object b):
    return _slot_or(b, _B_TEXT, "text")


cdef inline object _b_role(object b):
    return _slot_or(b, _B_ROLE, "role")


cdef inline object _b_key(object b):
    return _slot_or(b, _B_KEY, "key")


# -- a Verdict's fields read from its slots (the compiled loops over verdicts) ---

cdef type _VERDICT = None  # scrubber.model.Verdict, once its slots are read
cdef Py_ssize_t _V_KEEP, _V_META, _V_RULE


cdef int _verdict_slots() except -1:
    """Read where a Verdict keeps ``keep``, ``meta`` and ``rule`` (once per
    process); any other object, or a Verdict without plain slots, is read by
    attribute."""
    global _VERDICT, _V_KEEP, _V_META, _V_RULE
    from scrubber.model import Verdict
    offsets = slot_offsets(Verdict, ("keep", "meta", "rule"))
    if offsets is None:
        _VERDICT = type(None)
        return 0
    _V_KEEP, _V_META, _V_RULE = offsets
    _VERDICT = Verdict
    return 0


cdef inline object _v_rule(object v):
    """``v.rule``."""
    cdef PyObject* p
    if type(v) is _VERDICT:
        p = scrubber_get_slot(v, _V_RULE)
        if p is not NULL:
            return <object>p
    return v.rule


cdef inline bint _v_keep(object v) except -1:
    """``bool(v.keep)``."""
    cdef PyObject* p
    if type(v) is _VERDICT:
        p = scrubber_get_slot(v, _V_KEEP)
        if p is not NULL:
            if <object>p is True:
                return True
            if <object>p is False:
                return False
            return bool(<object>p)
    return bool(v.keep)


def kept_indices(verdicts):
    """``[i for i, v in enumerate(verdicts) if v.keep]``."""
    if _VERDICT is None:
        _verdict_slots()
    cdef list out = []
    cdef Py_ssize_t i = 0
    for v in verdicts:
        if _v_keep(v):
            out.append(i)
        i += 1
    return out


def kept_of(blocks, verdicts, bint texts=False):
    """``[b for b, v in zip(blocks, verdicts) if v.keep]``, or their texts."""
    if _VERDICT is None:
        _verdict_slots()
    if _BLOCK is None:
        _block_slots()
    cdef list out = []
    for b, v in zip(blocks, verdicts):
        if _v_keep(v):
            out.append(_b_text(b) if texts else b)
    return out


def with_meta(verdicts):
    """``[v for v in verdicts if v.meta]``: the verdicts lifting metadata."""
    if _VERDICT is None:
        _verdict_slots()
    cdef PyObject* p
    cdef list out = []
    for v in verdicts:
        if type(v) is _VERDICT:
            p = scrubber_get_slot(v, _V_META)
            if p is not NULL:
                if <object>p:
                    out.append(v)
                continue
        if v.meta:
            out.append(v)
    return out


def texts_and_keys(blocks, list todo):
    """``([blocks[i].text for i in todo], [blocks[i].key for i in todo])``, the
    fields read from a Block's slots (``blocks``: a list or a tuple)."""
    if _BLOCK is None:
        _block_slots()
    cdef Py_ssize_t k, n = len(todo)
    cdef list texts = [None] * n, keys = [None] * n
    for k in range(n):
        b = blocks[todo[k]]
        texts[k] = _b_text(b)
        keys[k] = _b_key(b)
    return texts, keys


def first_role_text(blocks, object role):
    """``next((b.text for b in blocks if b.role is role), None)``: the text of
    the first block of that role (``core._assemble``'s title), read from a
    Block's slots."""
    if _BLOCK is None:
        _block_slots()
    for b in blocks:
        if _b_role(b) is role:
            return _b_text(b)
    return None


def found_at(list todo, list got):
    """``{i: v for i, v in zip(todo, got) if v is not None}``: a whole-document
    filter's answers (``got``, one per index of ``todo``) as it gives them."""
    cdef Py_ssize_t k, n = min(len(todo), len(got))
    cdef dict out = {}
    for k in range(n):
        v = got[k]
        if v is not None:
            out[todo[k]] = v
    return out


def settle(list verdicts, list todo, dict found):
    """``pipeline._settle_py``: each verdict of ``found`` (index -> verdict)
    written into ``verdicts``, then the indices of ``todo`` still without one."""
    for i, v in found.items():
        verdicts[i] = v
    cdef list out = []
    for i in todo:
        if verdicts[i] is None:
            out.append(i)
    return out


cdef inline bint _bit(const unsigned char[::1] bits, unsigned int c) noexcept:
    """Bit ``c & 7`` of byte ``c >> 3`` (``c`` in the BMP, ``bits`` 8192 bytes)."""
    return (bits[c >> 3] >> (c & 7)) & 1


def line_roles(blocks, list kept, object line, tuple roles,
               const unsigned char[::1] enum_bits, object enumerated,
               const unsigned char[::1] end_bits, object heading_end):
    """``core.assign_roles``' loop: for the blocks at ``kept`` (the body) whose
    role is ``line``, their indices and roles, from ``roles`` = (list item,
    title, heading, paragraph); ``None`` when none is a line. ``enum_bits``:
    the BMP characters an enumerated line starts with (``enumerated(text)``,
    its regex's ``match``, decides; a character past the BMP always asks it);
    ``end_bits``: the characters ending a heading (``heading_end(text)``
    decides for a text ending in white space)."""
    if enum_bits.shape[0] != 0x2000 or end_bits.shape[0] != 0x2000:
        raise ValueError("bitmaps of the BMP (8192 bytes)")
    if len(roles) != 4:
        raise ValueError("four roles")
    if _BLOCK is None:
        _block_slots()
    list_item, title, heading, paragraph = roles
    cdef Py_ssize_t n, m = len(kept), k
    cdef list changed = [], out = [], lines = []
    for n in range(m):
        if _b_role(blocks[<Py_ssize_t>kept[n]]) is line:
            lines.append(n)
    if not lines:
        return None
    cdef double* units = <double*>PyMem_Malloc((m + 1) * sizeof(double))
    if units is NULL:
        raise MemoryError()
    cdef double u
    cdef Py_UCS4 c
    cdef Py_ssize_t length
    cdef int kind
    cdef void* data
    cdef str text
    try:
        for n in range(m):
            units[n] = _feature(_b_features(blocks[<Py_ssize_t>kept[n]]), "units")
        units[m] = 0.0  # after the last
        for k in range(len(lines)):
            n = <Py_ssize_t>lines[k]
            b = blocks[<Py_ssize_t>kept[n]]
            text = <str?>_b_text(b)
            f = _b_features(b)
            u = units[n]
            length = PyUnicode_GET_LENGTH(text)
            kind = PyUnicode_KIND(text)
            data = PyUnicode_DATA(text)
            role = None
            if length:
                c = PyUnicode_READ(kind, data, 0)
                if (c >= 0x10000 or _bit(enum_bits, <unsigned int>c)) and enumerated(text) is not None:
                    role = list_item
            if role is not None:
                pass
            elif (n == 0 and 2 <= u <= 80 and not _flag(f, "full_stop")
                    and _feature(f, "punct") <= 3):
                role = title
            elif 0 < u <= 40 and units[n + 1] > u and _feature(f, "punct") <= 1:
                c = PyUnicode_READ(kind, data, length - 1) if length else 0x20
                if c < 0x10000 and _bit(end_bits, <unsigned int>c):
                    role = paragraph  # ends like a part of a sentence: not a heading
                elif length and Py_UNICODE_ISSPACE(c) and heading_end(text):
                    role = paragraph
                else:
                    role = title if n == 0 else heading
            else:
                role = paragraph
            changed.append(kept[n])
            out.append(role)
    finally:
        PyMem_Free(units)
    return changed, out


@cython.boundscheck(False)  # (out has count items; each list or tuple column is checked)
@cython.wraparound(False)
def fill_objects(type cls, tuple offsets, Py_ssize_t count, list columns):
    """``count`` new instances of ``cls`` (allocated as ``object.__new__`` does),
    slot ``offsets[j]`` of each set from ``columns[j]`` in turn, column by column
    as ``model.blocks_from_columns`` sets them. A list or tuple column is read
    by index, an endless ``itertools.repeat`` once; any other by its iterator."""
    cdef Py_ssize_t i, j, offset
    cdef list out = [scrubber_alloc(cls) for i in range(count)]
    if len(columns) != len(offsets):
        raise ValueError("one column per slot")
    for j in range(len(offsets)):
        col = columns[j]
        offset = offsets[j]
        if type(col) is list or type(col) is tuple:
            if len(col) < count:
                raise ValueError(f"column {j} gives {len(col)} values for {count} rows")
            for i in range(count):
                scrubber_set_slot(out[i], offset, (<list>col)[i] if type(col) is list
                                  else (<tuple>col)[i])
            continue
        if type(col) is _REPEAT and _endless(col):
            v = next(col)
            for i in range(count):
                scrubber_set_slot(out[i], offset, v)
            continue
        it = iter(col)
        for i in range(count):
            try:
                v = next(it)
            except StopIteration:
                raise ValueError(f"column {j} gives {i} values for {count} rows") from None
            scrubber_set_slot(out[i], offset, v)
    return out


cdef bint _endless(object rep) except -1:
    """Does this ``itertools.repeat`` go on for ever (no ``times``)? (Its length
    hint is then refused.)"""
    try:
        rep.__length_hint__()
    except TypeError:
        return True
    return False


def copy_objects(type cls, tuple offsets, list objs, Py_ssize_t at, list values):
    """New instances of ``cls``, one per object of ``objs``, each with the slots
    at ``offsets`` copied from it, except slot ``offsets[at]``, set from
    ``values`` (``dataclasses.replace`` of one field, for slotted classes whose
    slots are all at ``offsets``: ``model.with_roles``). ``None`` when an object
    is not exactly a ``cls`` (left to the caller's own way). An empty slot
    raises ``AttributeError``, as reading it would."""
    cdef Py_ssize_t i, j, n = len(objs), nslots = len(offsets), offset
    cdef PyObject* v
    for i in range(n):
        if type(objs[i]) is not cls:
            return None
    if len(values) < n:
        raise ValueError(f"{len(values)} values for {n} objects")
    if not 0 <= at < nslots:
        raise ValueError("at: the index of one of the offsets")
    cdef list out = []
    for i in range(n):
        src = objs[i]
        new = scrubber_alloc(cls)
        for j in range(nslots):
            offset = offsets[j]
            if j == at:
                scrubber_set_slot(new, offset, values[i])
                continue
            v = scrubber_get_slot(src, offset)
            if v is NULL:
                raise AttributeError(f"an empty slot at offset {offset}")
            scrubber_set_slot(new, offset, <object>v)
        out.append(new)
    return out


def opening(blocks, Py_ssize_t limit, type cls, Py_ssize_t offset):
    """``core._opening(blocks, limit)``: the blocks' texts joined by newlines up
    to the first block that takes the join past ``limit`` characters. The
    text of a ``cls`` instance is read from its slot at ``offset``."""
    cdef list parts = []
    cdef Py_ssize_t n = 0
    cdef PyObject* p
    for b in blocks:
        p = scrubber_get_slot(b, offset) if type(b) is cls else NULL
        t = <object>p if p is not NULL else b.text
        parts.append(t)
        n += len(t) + 1
        if n > limit:  # the join so far is at least ``limit`` long
            break
    return "\n".join(parts)


# -- the walk's frames as columns (``html._frame_columns_py``) -------------------

def frame_columns(list frames):
    """``html._frame_columns_py(frames)``: the tags, the paths (``"/"`` for an
    empty or missing one), the contexts and the roles of the walk's frames,
    each ``(tag, path, context, role)``, as two tuples and two lists; ``None``
    when a frame is not a tuple of four (left to the reference)."""
    cdef Py_ssize_t i, n = len(frames)
    cdef tuple tags = PyTuple_New(n), contexts = PyTuple_New(n)
    cdef list paths = [None] * n, roles = [None] * n
    cdef object f, x
    for i in range(n):
        f = frames[i]
        if type(f) is not tuple or PyTuple_GET_SIZE(f) != 4:
            return None
        x = <object>PyTuple_GET_ITEM(f, 0)
        Py_INCREF(x)
        PyTuple_SET_ITEM(tags, i, x)
        x = <object>PyTuple_GET_ITEM(f, 1)
        paths[i] = x or "/"
        x = <object>PyTuple_GET_ITEM(f, 2)
        Py_INCREF(x)
        PyTuple_SET_ITEM(contexts, i, x)
        roles[i] = <object>PyTuple_GET_ITEM(f, 3)
    return tags, paths, contexts, roles


# -- runs of high bytes (``decode._high_runs_py``) -------------------------------

def high_runs(const unsigned char[::1] data):
    """The bytes of ``data`` from 0x80 up, and those of them next to another one
    (in a run of two or more), in one pass."""
    cdef Py_ssize_t i, n = data.shape[0], high = 0, in_runs = 0, run = 0
    for i in range(n):
        if data[i] >= 0x80:
            run += 1
        elif run:
            high += run
            if run > 1:
                in_runs += run
            run = 0
    high += run
    if run > 1:
        in_runs += run
    return high, in_runs


# -- UTF-8 markup libxml2 can read as it is (``core._to_text``) ------------------

cdef extern from *:
    """
    /* Is d[0:n] well-formed UTF-8 (what Python's strict codec accepts) holding
       no character lxml refuses (C0 controls other than tab, newline and CR;
       U+FFFE, U+FFFF)? Runs of 256 bytes are first tested without a branch per
       byte (vector instructions): a run of ASCII without a control is passed
       over; a run with a high byte is read sequence by sequence (a sequence
       may run on past the run's end: its continuation bytes are >= 0x80, so
       they hold no control, and the next run starts after it). */
    static int scrubber_utf8_plain(const unsigned char* d, Py_ssize_t n) {
        Py_ssize_t i = 0, j, e;
        while (i < n) {
            unsigned char high = 0, bad = 0;
            e = i + 256 < n ? i + 256 : n;
            for (j = i; j < e; j++) {
                unsigned char c = d[j];
                high |= c;
                bad |= (unsigned char)((c < 0x20) & (c != 0x09) & (c != 0x0A) & (c != 0x0D));
            }
            if (bad) return 0;
            if (!(high & 0x80)) { i = e; continue; }
            while (i < e) {
                unsigned char c = d[i], c1, lo = 0x80, hi = 0xBF;
                if (c < 0x80) { i++; continue; }
                if (c < 0xC2 || c > 0xF4) return 0;
                if (c < 0xE0) {
                    if (i + 1 >= n || (d[i + 1] & 0xC0) != 0x80) return 0;
                    i += 2;
                    continue;
                }
                if (c == 0xE0) lo = 0xA0;
                else if (c == 0xED) hi = 0x9F;    /* no surrogates */
                else if (c == 0xF0) lo = 0x90;    /* no overlong forms */
                else if (c == 0xF4) hi = 0x8F;    /* nothing past U+10FFFF */
                if (c < 0xF0) {
                    if (i + 2 >= n) return 0;
                    c1 = d[i + 1];
                    if (c1 < lo || c1 > hi || (d[i + 2] & 0xC0) != 0x80) return 0;
                    if (c == 0xEF && c1 == 0xBF && d[i + 2] >= 0xBE) return 0;  /* U+FFFE/F */
                    i += 3;
                    continue;
                }
                if (i + 3 >= n) return 0;
                c1 = d[i + 1];
                if (c1 < lo || c1 > hi || (d[i + 2] & 0xC0) != 0x80
                        || (d[i + 3] & 0xC0) != 0x80) return 0;
                i += 4;
            }
        }
        return 1;
    }
    """
    int scrubber_utf8_plain(const unsigned char* d, Py_ssize_t n) noexcept nogil


def utf8_plain(const unsigned char[::1] data):
    """Are ``data`` valid UTF-8 (``data.decode("utf-8")`` would not raise) whose text
    holds no character lxml refuses (``html._has_control`` would be false)? One pass
    over the bytes, without decoding them."""
    if data.shape[0] == 0:
        return True
    return scrubber_utf8_plain(&data[0], data.shape[0]) != 0


# -- anchored copies by first character and length (``rules.LineScreen``) -------

cdef int _u64_table(const unsigned long long[::1] table) except -1:
    """Check that ``table`` has the shape ``rules.u64_set`` gives it (a power of
    two of at least 16 slots) before ``_u64_in`` reads it."""
    cdef Py_ssize_t size = table.shape[0]
    if size < 16 or size & (size - 1):
        raise ValueError("a hash set of codes: a power of two of at least 16 slots")
    return 0


cdef inline bint _u64_in(const unsigned long long[::1] table, unsigned long long code) noexcept:
    """Is ``code`` in ``table`` (``rules.u64_set``: a power-of-two array, each code
    stored with its top bit set at its Fibonacci hash or the next free slot;
    checked by ``_u64_table``)?"""
    cdef Py_ssize_t size = table.shape[0]
    cdef unsigned long long mask = <unsigned long long>size - 1
    cdef int shift = 64
    cdef unsigned long long h, want = code | (1ULL << 63), got
    while size > 1:
        size >>= 1
        shift -= 1
    h = (code * 0x9E3779B97F4A7C15ULL) >> shift
    while True:
        got = table[h]
        if got == want:
            return True
        if got == 0:
            return False
        h = (h + 1) & mask


def u64_in(const unsigned long long[::1] table, unsigned long long code):
    """``_u64_in`` (for the tests)."""
    _u64_table(table)
    return _u64_in(table, code)


def anchored_lines(list keys, dict by_first, tuple cuts, list matches, object compile_at,
                   const unsigned short[::1] row_of=None, list rows=None,
                   const unsigned long long[::1] prefixes=None):
    """``LineScreen._anchored_lines``: the indices of the ``keys`` whose regex (by
    first character, ``by_first``, and length class, ``bisect_right(cuts,
    len(key))``) matches; ``compile_at(j)`` gives the ``match`` of regex ``j``
    when ``matches[j]`` is still ``None``. Given ``row_of`` (per BMP character,
    up to the highest that starts a row, 1 + the index in ``rows`` of its
    ``by_first`` row, 0 for none), a key's row is found by its first
    character's code, without a dict lookup. Given ``prefixes``
    (``rules._prefix_set``: the first characters after which any second one
    goes, the pairs of first two characters a regex allows, and the third
    characters allowed after a pair, as tagged codes in one hash set), a key is
    tried only when its first two characters, and its first three where the
    pair has a third condition, are allowed."""
    cdef list out = []
    cdef Py_ssize_t i, n, lo, hi, mid, ncuts = len(cuts)
    cdef bint by_prefixes = prefixes is not None
    if by_prefixes:
        _u64_table(prefixes)
    cdef unsigned long long pair
    cdef unsigned int second, third
    cdef int kind
    cdef Py_ssize_t j
    cdef Py_UCS4 first
    cdef unsigned short r
    cdef bint by_table = row_of is not None and rows is not None
    for i in range(len(keys)):
        k = keys[i]
        if not k:
            continue
        first = PyUnicode_READ(PyUnicode_KIND(k), PyUnicode_DATA(k), 0)
        if by_table and first < 0x10000:
            r = row_of[first] if first < <Py_UCS4>row_of.shape[0] else 0
            if r == 0:
                continue
            row = rows[r - 1]
        else:
            row = by_first.get(k[:1])
            if row is None:
                continue
        n = len(k)
        if by_prefixes:
            if n > 1 and not _u64_in(prefixes, (1ULL << 62) | <unsigned long long>first):
                kind = PyUnicode_KIND(k)
                second = <unsigned int>PyUnicode_READ(kind, PyUnicode_DATA(k), 1)
                pair = (<unsigned long long>first) << 21 | second
                if not _u64_in(prefixes, (1ULL << 61) | pair):
                    continue
                if (n > 2 and first < 0x10000 and second < 0x10000
                        and _u64_in(prefixes, (1ULL << 60) | pair)):
                    third = <unsigned int>PyUnicode_READ(kind, PyUnicode_DATA(k), 2)
                    if third >= 0x10000 or not _u64_in(prefixes, (pair << 21) | third):
                        continue
        lo, hi = 0, ncuts
        while lo < hi:  # bisect_right
            mid = (lo + hi) >> 1
            if n < <Py_ssize_t>cuts[mid]:
                hi = mid
            else:
                lo = mid + 1
        j = <Py_ssize_t>(<tuple>row)[lo]
        if j < 0:
            continue
        match = matches[j]
        if match is None:
            match = compile_at(j)
        if match(k) is not None:
            out.append(i)
    return out


# -- the block loop of ``DomMain._repeated`` ----------------------------------

cdef extern from "Python.h":
    bint Py_UNICODE_ISDIGIT(Py_UCS4 c) noexcept


def shape(str descriptor):
    """``filters.dom._shape_py``: the descriptor without its tokens (split at each
    space) holding a digit (``str.isdigit``), joined by spaces again; the
    descriptor itself when it holds no digit."""
    cdef int kind = PyUnicode_KIND(descriptor)
    cdef void* data = PyUnicode_DATA(descriptor)
    cdef Py_ssize_t i, start = 0, n = PyUnicode_GET_LENGTH(descriptor)
    cdef Py_UCS4 c
    cdef bint digit = False  # the token so far holds a digit
    for i in range(n):
        if Py_UNICODE_ISDIGIT(PyUnicode_READ(kind, data, i)):
            break
    else:
        return descriptor
    cdef list kept = []
    for i in range(n + 1):
        c = PyUnicode_READ(kind, data, i) if i < n else 0x20
        if c == 0x20:
            if not digit:
                kept.append(PyUnicode_Substring(descriptor, start, i))
            start = i + 1
            digit = False
        elif Py_UNICODE_ISDIGIT(c):
            digit = True
    return " ".join(kept)


cdef object _UNREAD = object()  # a descriptor whose shape is not read yet


def repeated_members(list blocks, list inside, list lines, list body, Py_ssize_t depth,
                     object shape_of):
    """The block loop of ``filters.dom.DomMain._repeated_members``: per (parent
    path, shape), the elements below the container holding prose (``counts``)
    and holding any plain text (``texts``), and the text blocks per element
    (``nblocks``), filled in the reference's order with its tests.
    ``shape_of`` is ``filters.dom._shape``, read once per descriptor."""
    if _BLOCK is None:
        _block_slots()
    cdef dict counts = {}, texts = {}, nblocks = {}, shapes = {}
    cdef Py_ssize_t i, k, stop, n = len(blocks)
    cdef tuple line, ctx
    cdef bint prose
    if len(inside) != n or len(lines) != n or len(body) != n:
        raise ValueError("blocks, inside, lines and body differ in length")
    for i in range(n):
        if not inside[i]:
            continue
        b = blocks[i]
        prose = body[i]
        if not prose:
            f = _b_features(b)
            if _fget(f, "units", 0.0) * (1.0 - _fget(f, "link_density", 0.0)) < 1:
                continue
        line = <tuple>lines[i]
        c = _b_context(b)
        ctx = c if type(c) is tuple else tuple(c)
        stop = min(len(line), len(ctx))
        for k in range(depth, stop):  # elements below the container
            d = ctx[k]
            shape = shapes.get(d, _UNREAD)
            if shape is _UNREAD:  # a bare tag, or a shape of one (tr, p, li): None
                if " " not in d:
                    shape = None
                else:
                    shape = shape_of(d)
                    if " " not in shape:
                        shape = None
                shapes[d] = shape
            if shape is None:
                continue
            prefix = line[k]
            key = (line[k - 1], shape)
            members = texts.get(key)
            if members is None:
                members = texts[key] = set()
            (<set>members).add(prefix)
            got = nblocks.get(prefix)
            nblocks[prefix] = 1 if got is None else got + 1
            if prose:
                members = counts.get(key)
                if members is None:
                    members = counts[key] = set()
                (<set>members).add(prefix)
    return counts, texts, nblocks


# -- the markers that might end an article (``filters.context.ArticleEnd``) ----

def end_candidates(blocks, list verdicts):
    """``ArticleEnd._candidates_py(doc, verdicts)`` for ``doc.blocks``: each
    block's weight (its ``units`` feature as it is, when no verdict drops it,
    else 0.0), their sum (in order, from 0.0), and ``(i, before)`` for each
    dropping verdict with ``marks_end`` after some body text (``before``: the
    weights before it, summed in order)."""
    if _BLOCK is None:
        _block_slots()
    cdef Py_ssize_t i, n = len(verdicts)
    cdef list weights = [], candidates = []
    cdef double total = 0.0
    if len(blocks) < n:
        n = len(blocks)  # (zip stops at the shorter)
    for i in range(n):
        v = verdicts[i]
        if v is None or v.keep:
            got = _fget(_b_features(blocks[i]), "units", 0.0)
        else:
            got = 0.0
        weights.append(got)
        if v is not None and v.marks_end and not v.keep and total > 0:
            candidates.append((i, total))
        total += <double>got if type(got) is float else float(got)
    return weights, total, candidates


# -- the main run's verdicts (``filters.context.MainRegion._read``) -------------

def run_verdicts(list verdicts, Py_ssize_t start, Py_ssize_t end, object before,
                 object after):
    """``[before if v is None else v for v in verdicts[:start]] +
    verdicts[start:end] + [after if v is None else v for v in verdicts[end:]]``
    (``0 <= start <= end``)."""
    cdef Py_ssize_t i, n = len(verdicts)
    cdef list out = list(verdicts)
    if start < 0 or end < start:
        raise ValueError("0 <= start <= end")
    for i in range(start if start < n else n):
        if out[i] is None:
            out[i] = before
    for i in range(end, n):
        if out[i] is None:
            out[i] = after
    return out


def cut_after(list verdicts, Py_ssize_t at, object cut):
    """``ArticleEnd._cut``'s loop: a copy of ``verdicts`` in which each one
    after index ``at`` that is ``None``, an ``outside_main`` drop or a kept
    ``body`` verdict is ``cut``."""
    if _VERDICT is None:
        _verdict_slots()
    cdef list out = list(verdicts)
    cdef Py_ssize_t i
    for i in range(at + 1 if at >= 0 else 0, len(out)):
        v = out[i]
        if v is None:
            out[i] = cut
            continue
        rule = _v_rule(v)
        if rule == "outside_main" or (_v_keep(v) and rule == "body"):
            out[i] = cut
    return out


# -- the best run of block scores (``filters.context.best_run``) ----------------

def best_run(list scores):
    """``filters.context.best_run(scores)``, the same float arithmetic in the same
    order; ``None`` when a score is not a float (left to the reference)."""
    cdef double best = -INFINITY, total = 0.0, s
    cdef Py_ssize_t i, start = 0, best_start = 0, best_end = -1
    for i in range(len(scores)):
        x = scores[i]
        if type(x) is not float:
            return None
        s = <double>x
        if total <= 0:
            total = s
            start = i
        else:
            total += s
        if total > best:
            best = total
            best_start = start
            best_end = i
    if best <= 0:
        return 0, -1
    return best_start, best_end


# -- body-like flags of blocks (``filters.dom.DomMain.body_flags``) -------------

def body_flags(list blocks, double dense, double min_units):
    """``[DomMain.body_like(b) for b in blocks]`` with these settings (link
    density from which a block is links, ``min_units``): ``_body_like``, the
    reference's arithmetic and comparisons, in its order."""
    if _BLOCK is None:
        _block_slots()
    return [_body_like(_b_features(b), dense, min_units) for b in blocks]


# -- body-like text outside the container (``filters.dom.DomMain._body_outside``) --

def body_outside(blocks, list verdicts, str main, double sentence, double exclaim,
                 double long_units, object beside):
    """Is there a block with no verdict, outside the element ``main`` (its path
    is not ``main`` nor under it), that ``MainRegion.body_like`` with these
    settings calls body-like, and none of whose context descriptors is
    ``beside(descriptor)`` (a sidebar, a dialog)? The reference's tests, in
    its order."""
    if _BLOCK is None:
        _block_slots()
    cdef Py_ssize_t i, n = len(blocks)
    cdef str under = main + "/"
    if len(verdicts) < n:
        n = len(verdicts)  # (zip stops at the shorter)
    for i in range(n):
        if verdicts[i] is not None:
            continue
        b = blocks[i]
        path = _b_path(b)
        if path == main or (path or "").startswith(under):
            continue
        if _story_text(b, _b_features(b), sentence, exclaim, long_units, beside):
            return True
    return False


cdef inline bint _story_text(object b, object f, double sentence, double exclaim,
                             double long_units, object beside) except -1:
    """Does ``MainRegion.body_like`` with these settings call block ``b`` (its
    features ``f``) body-like, and is none of its context descriptors
    ``beside(descriptor)`` (a sidebar, a dialog)? The reference's tests, in its
    order."""
    cdef double share = _feature(f, "link_density") * 1.5
    cdef double units = _feature(f, "units") * (1.0 - (share if share < 1.0 else 1.0))
    if not _reads_as_body(f, units, _flag(f, "full_stop"), _feature(f, "punct"),
                          sentence, exclaim, long_units):
        return False
    for d in _b_context(b):
        if beside(d):
            return False
    return True


# -- the container's own totals and the thread tests (``filters.dom.DomMain``) ---

cdef inline bint _under(object got, str path, Py_ssize_t n) except -1:
    """``got == path or (got or "").startswith(path + "/")`` for a block's path
    ``got`` (``n``: the length of ``path``)."""
    cdef Py_ssize_t m
    if got is None:
        return False
    if type(got) is not str:
        return got == path or (got or "").startswith(path + "/")
    m = PyUnicode_GET_LENGTH(<str>got)
    if m == n:
        return <str>got == path
    return (m > n and PyUnicode_READ(PyUnicode_KIND(<str>got), PyUnicode_DATA(<str>got), n)
            == 0x2F and PyUnicode_Tailmatch(<str>got, path, 0, n, -1))


def agree_units(blocks, list reading, str main, double sentence, double exclaim,
                double long_units, object beside):
    """``DomMain._agree_units_py``: the units of the blocks without a verdict in
    ``reading`` that ``MainRegion.body_like`` with these settings calls body-like,
    none of whose context descriptors is ``beside(descriptor)``; all of them,
    and those in the element ``main`` (its path, or under it). Added in block
    order, as the reference adds them."""
    if _BLOCK is None:
        _block_slots()
    cdef Py_ssize_t i, n = len(blocks), lm = PyUnicode_GET_LENGTH(main)
    cdef double units, found = 0.0, inside = 0.0
    if len(reading) < n:
        n = len(reading)  # (zip stops at the shorter)
    for i in range(n):
        if reading[i] is not None:
            continue
        b = blocks[i]
        f = _b_features(b)
        if _story_text(b, f, sentence, exclaim, long_units, beside):
            units = _feature(f, "units")
            found += units
            if _under(_b_path(b), main, lm):
                inside += units
    return found, inside


def good_units(list blocks, list body, str path):
    """``DomMain._good_of``: the units of the body-like blocks (``body``) in the
    element ``path``, added in block order."""
    if _BLOCK is None:
        _block_slots()
    cdef Py_ssize_t i, n = len(blocks), lp = PyUnicode_GET_LENGTH(path)
    cdef double total = 0.0
    if len(body) < n:
        n = len(body)
    for i in range(n):
        if body[i]:
            b = blocks[i]
            if _under(_b_path(b), path, lp):
                total += _feature(_b_features(b), "units")
    return total


def plain_lines(blocks, list verdicts, list inside, double dense):
    """``DomMain._plain_lines_py``: the blocks in the container (``inside``)
    without a verdict and under ``dense`` link density, and their units,
    added in block order."""
    if _BLOCK is None:
        _block_slots()
    cdef Py_ssize_t i, n = len(blocks)
    cdef double total = 0.0
    cdef list out = []
    if len(verdicts) < n:
        n = len(verdicts)
    if len(inside) < n:
        n = len(inside)
    for i in range(n):
        if inside[i] and verdicts[i] is None:
            f = _b_features(blocks[i])
            if _feature(f, "link_density") < dense:
                out.append(i)
                total += _feature(f, "units")
    return out, total


def kept_units(blocks, list lines, list reading):
    """The units of the blocks at ``lines`` to which ``reading`` gives no
    verdict, added in their order."""
    if _BLOCK is None:
        _block_slots()
    cdef double total = 0.0
    cdef Py_ssize_t i
    for x in lines:
        i = <Py_ssize_t>x
        if reading[i] is None:
            total += _feature(_b_features(blocks[i]), "units")
    return total




def story_units(list blocks, list inside, list lines, list body, Py_ssize_t depth,
                object posts, object marks, object markers_of):
    """``DomMain._story_units``: the units of the body-like blocks in the
    container (``inside``), outside any of ``posts`` (a set, or ``None``),
    whose innermost marked descriptor from ``depth`` on (``markers_of``, kept
    in ``marks``, the document's ``_Marks``) is not a comment region; added in
    block order."""
    if _BLOCK is None:
        _block_slots()
    cdef Py_ssize_t i, k, n = len(blocks)
    cdef double total = 0.0
    cdef bint skip
    cdef set ps = posts if posts else None
    cdef dict memo = _dict_or_none(marks)
    if len(inside) < n:
        n = len(inside)
    if len(lines) < n:
        n = len(lines)
    if len(body) < n:
        n = len(body)
    for i in range(n):
        if not (inside[i] and body[i]):
            continue
        if ps is not None and not ps.isdisjoint(lines[i]):
            continue  # inside one of the posts
        b = blocks[i]
        ctx = _b_context(b)
        skip = False
        if type(ctx) is tuple:
            for k in range(PyTuple_GET_SIZE(ctx) - 1, depth - 1, -1):
                m = _marked(memo, <object>PyTuple_GET_ITEM(ctx, k), markers_of)
                if m:
                    skip = m == "comment"
                    break
        else:
            found = [_marked(memo, d, markers_of) for d in list(ctx)[depth:]]
            for m in reversed(found):
                if m:
                    skip = m == "comment"
                    break
        if not skip:
            total += _feature(_b_features(b), "units")
    return total


def thread_siblings(object kids, str node, str shape, dict desc, set banned, dict good,
                    dict bad, object shape_of):
    """``DomMain._siblings_py``: the elements of ``kids`` other than ``node``
    whose descriptor has ``shape`` (by ``shape_of``) and which are not
    ``banned``, in order, with their ``good`` and their ``bad`` added in that
    order."""
    cdef list sibs = []
    cdef double g = 0.0, b = 0.0
    for p in kids:
        if p != node and shape_of(desc[p]) == shape and p not in banned:
            sibs.append(p)
    for p in sibs:
        g += <double>float(good[p])
    for p in sibs:
        b += <double>float(bad[p])
    return sibs, g, b


def post_counts(list blocks, list lines, set repeated, double dense, double headline_units):
    """The block loop of ``DomMain._posts``: per element of ``repeated``, how
    many blocks are in it (in the order they are first met), and those holding
    a headline (a block of at least ``dense`` link density and
    ``headline_units`` units)."""
    if _BLOCK is None:
        _block_slots()
    cdef dict counts = {}
    cdef set teaser = set()
    cdef Py_ssize_t i, n = len(blocks)
    cdef bint headline
    if len(lines) < n:
        n = len(lines)
    for i in range(n):
        line = lines[i]
        if repeated.isdisjoint(line):
            continue
        f = _b_features(blocks[i])
        headline = (_fget(f, "link_density", 0.0) >= dense
                    and _fget(f, "units", 0.0) >= headline_units)
        for prefix in line:
            if prefix in repeated:
                counts[prefix] = counts.get(prefix, 0) + 1
                if headline:
                    teaser.add(prefix)
    return counts, teaser


def in_thread(list blocks, list lines, set posts, object names_thread, object marks,
              object markers_of):
    """``DomMain._in_thread``: is one of ``posts`` below an element whose
    descriptor names a thread, with no comment region (``markers_of``, kept in
    ``marks``) above that element?"""
    if _BLOCK is None:
        _block_slots()
    cdef Py_ssize_t i, k, nc, n = len(blocks)
    cdef bint named
    cdef dict memo = _dict_or_none(marks)
    if len(lines) < n:
        n = len(lines)
    for i in range(n):
        line = lines[i]
        if posts.isdisjoint(line):
            continue
        ctx = _b_context(blocks[i])
        nc = len(ctx)
        named = False
        k = 0
        for prefix in line:
            if named and prefix in posts:
                return True
            if k < nc:
                d = ctx[k]
                if names_thread(d):
                    named = True
                elif not named and _marked(memo, d, markers_of) == "comment":
                    break
            k += 1
    return False


# -- each block's verdict once the container is chosen (``DomMain._block_verdicts``) --

cdef inline bint _body_like(object f, double dense, double min_units) except -1:
    """``DomMain.body_like`` on the features ``f`` with these settings."""
    cdef double ld = _feature(f, "link_density")
    cdef double units = _feature(f, "units") * (1.0 - ld)
    if ld >= dense:
        return False
    if units >= min_units and _fget(f, "punct", 0) >= 1:
        return True
    return units >= min_units / 2 and _fget(f, "full_stop", 0) > 0


cdef inline object _hidden_in(object b, object ctx, object hidden, object hidden_drop):
    """``filters.dom._hidden(b)``: the drop of the first descriptor of its context
    ending in ``@hidden``, else ``None`` (the reference itself for a context that
    is not a tuple of strings). A descriptor's last character is looked at
    before its whole ending."""
    cdef Py_ssize_t k, n
    cdef object first = None
    if type(ctx) is not tuple:
        return hidden(b)
    for d in <tuple>ctx:
        if type(d) is not str:
            return hidden(b)
        if first is None:
            n = PyUnicode_GET_LENGTH(d)
            if (n >= 7 and PyUnicode_READ(PyUnicode_KIND(d), PyUnicode_DATA(d), n - 1) == 0x6E
                    and PyUnicode_Tailmatch(d, "@hidden", 0, n, 1)):
                first = d
    if first is None:
        return None
    return hidden_drop((<str>first)[:40])


def hidden_blocks(blocks, list todo, object hidden, object hidden_drop):
    """``filters.dom._hidden_all`` on an HTML document: block index -> the drop of
    each block of ``todo`` whose context holds a descriptor ending in ``@hidden``
    (see ``_hidden_in``)."""
    if _BLOCK is None:
        _block_slots()
    cdef dict out = {}
    for i in todo:
        b = blocks[i]
        got = _hidden_in(b, _b_context(b), hidden, hidden_drop)
        if got is not None:
            out[i] = got
    return out


def container_verdicts(list blocks, list verdicts, list inside, list lines, Py_ssize_t depth,
                       set repeated, dict roots, bint has_story, Py_ssize_t first_body,
                       object lead, Py_ssize_t top, str main, tuple settings, tuple calls,
                       tuple made, object marks=None):
    """``DomMain._block_verdicts_py`` with ``_inside``, ``_outside``, ``body_like`` and
    ``linked_prose`` inlined, in the reference's order of tests. ``settings`` is
    (link_list_density, min_units, linked_prose_density); ``calls`` the helpers
    (``_hidden``, ``_hidden_drop``, ``_inner_region_drop``, ``_link_list``,
    ``_region_drop``, ``_markers_of``, the title test taking (i, top)); ``made``
    the verdicts and roles it hands out as they are (``_POST``, ``_TABLE_ROW``,
    ``_TITLE_IN``, ``_LEAD``, ``_TITLE_ABOVE``, the outside verdict, and the roles
    TABLE_ROW, TITLE, HEADING). ``top`` is 0 when titles are not kept. ``marks``
    keeps each descriptor's marker (the document's, when given)."""
    if _BLOCK is None:
        _block_slots()
    cdef double dense = settings[0], min_units = settings[1], prose_density = settings[2]
    hidden, hidden_drop, inner_drop, link_list, region_drop, markers_of, title_above = calls
    post, table_row, title_in, lead_v, title_above_v, outside_v, r_row, r_title, r_heading = made
    cdef Py_ssize_t i, k, stop, n = len(blocks)
    cdef bint in_post, in_comment, any_repeated = len(repeated) > 0
    cdef bint any_roots = len(roots) > 0, any_lead = bool(lead)
    cdef double ld
    cdef list out = list(verdicts)
    cdef dict memo = _dict_or_none(marks)
    if memo is None:
        memo = {}  # descriptor -> its marker (``_Marks``)
    cdef dict region_of = {}  # marked descriptor -> its region's drop
    if len(verdicts) < n:
        n = len(verdicts)  # (zip stops at the shorter)
    for i in range(n):
        b = blocks[i]
        ctx = _b_context(b)
        got = _hidden_in(b, ctx, hidden, hidden_drop)
        if got is not None and got:  # over any rule: hidden text lifts no metadata either
            out[i] = got
            continue
        v = verdicts[i]
        if v is not None:
            if (inside[i] and v.rule == "nav" and _b_role(b) is r_row
                    and _feature(_b_features(b), "link_density") < dense):
                out[i] = table_row  # cells joined by | look like a menu strip to link_strip
            continue
        f = _b_features(b)
        if inside[i]:  # DomMain._inside
            line = <tuple>lines[i]
            stop = len(line)
            if len(ctx) < stop:
                stop = len(ctx)
            in_post = False
            if any_repeated:
                for k in range(depth, len(line)):
                    if line[k] in repeated:
                        in_post = True
                        break
            in_comment = False
            got = None
            if any_roots:
                for k in range(depth, stop):
                    prefix = line[k]
                    rule = roots.get(prefix)
                    if in_post and rule == "comment":
                        in_comment = True
                        continue  # a post of a thread, or a reply under it
                    if rule and rule != "header" and prefix not in repeated:
                        got = inner_drop(rule, ctx[k][:60])
                        break
            if got is None:
                ld = _feature(f, "link_density")
                if (ld >= dense and not _body_like(f, dense, min_units)
                        and not (ld < prose_density and _feature(f, "units") >= 2 * min_units
                                 and _fget(f, "punct", 0) >= 2)):
                    got = link_list(f["link_density"], "mostly link text: a list of links")
                elif in_post and not (in_comment and has_story):
                    got = post
            if (got is not None and got.rule == "link_list" and i < first_body
                    and (_b_role(b) == r_title or _b_role(b) == r_heading)):
                got = title_in  # a blog post's headline links to the post itself
            out[i] = got
        elif any_lead and i in lead:
            out[i] = lead_v
        elif i < top and _b_role(b) is r_title and title_above(i, top):
            out[i] = title_above_v
        else:  # DomMain._outside
            got = None
            for k in range(len(ctx) - 1, -1, -1):  # the innermost marked ancestor
                d = ctx[k]
                mark = _marked(memo, d, markers_of)
                if mark:
                    got = region_of.get(d)
                    if got is None:
                        got = region_of[d] = region_drop(mark, d[:60])
                    break
            if got is None:
                if _feature(f, "link_density") >= dense:
                    got = link_list(f["link_density"], "mostly link text, outside the article")
                else:
                    got = outside_v
            out[i] = got
    return out


# -- the rule index's loop over the screened lines (``rules.RuleIndex.match_lines``) --

cdef inline Py_ssize_t _char_class(Py_UCS4 c, const unsigned short[::1] table, dict astral):
    """``table[c]`` for a BMP character (0 past the table's end), else its entry
    in ``astral`` (0 if none)."""
    if c < 0x10000:
        return table[c] if c < <Py_UCS4>table.shape[0] else 0
    got = astral.get(chr(c))
    return 0 if got is None else <Py_ssize_t>got


def index_match_lines(list texts, list keys, list todo, tuple tables, object build_class,
                      object fallback, type match_type, tuple offsets, object lift):
    """``RuleIndex.match_lines`` after the screen: per index in ``todo``,
    ``RuleIndex.match(texts[i], keys[i])`` with the masks of the index in 64-bit
    words (``RuleIndex._tables``: the first- and last-character classes and the
    gate characters by table, the length bands' and last characters' masks,
    and per first-character class, from ``build_class(cls)`` on first use, its
    mask, literal and plain bits, the gate masks of its gate characters and
    its entries by rule). A line repeated in ``todo`` is matched once (by key,
    when the text is the same too). An empty key goes to ``fallback(text,
    key)``. A match is a ``match_type`` whose slots at ``offsets`` (rule,
    evidence, meta) are set here; ``lift(m, text, key)`` gives the meta of a
    rule that lifts. Given six offsets, the ``match_type`` is a verdict: its
    slots are keep, rule id, reason, evidence, meta and marks_end, the rule's
    fields from the fifth item of its entry (``rules._verdict_head``)."""
    (first_tab, first_astral, end_tab, end_astral, cuts, band_masks, end_masks, gate_tab,
     gate_astral, class_data) = tables
    cdef const unsigned short[::1] ftab = first_tab
    cdef const unsigned short[::1] etab = end_tab
    cdef const unsigned short[::1] gtab = gate_tab
    cdef const long long[::1] cut = cuts
    cdef const unsigned long long[::1] bands = band_masks
    cdef const unsigned long long[::1] ends = end_masks
    cdef bytes gates
    cdef unsigned long long gate
    cdef list per_class = class_data
    cdef list out = [None] * len(keys)
    cdef dict seen = {}
    cdef Py_ssize_t i, j, n, lo, hi, mid, cls, g, bit, ncuts = cut.shape[0]
    cdef Py_ssize_t nends = ends.shape[0]
    cdef unsigned long long allowed, gated, mask, literal
    cdef int kind
    cdef void* data
    cdef Py_UCS4 c
    cdef str key
    cdef tuple data_of, entries, entry
    cdef bint verdicts = len(offsets) == 6
    if not verdicts and len(offsets) != 3:
        raise ValueError("offsets: three (a match) or six (a verdict)")
    for i in todo:
        key = <str>keys[i]
        text = texts[i]
        got = seen.get(key)
        if got is not None and (<tuple>got)[0] == text:
            out[i] = (<tuple>got)[1]
            continue
        n = PyUnicode_GET_LENGTH(key)
        if n == 0:
            found = fallback(text, key)
            seen[key] = (text, found)
            out[i] = found
            continue
        kind = PyUnicode_KIND(key)
        data = PyUnicode_DATA(key)
        lo, hi = 0, ncuts
        while lo < hi:  # bisect_right(cuts, n)
            mid = (lo + hi) >> 1
            if n < cut[mid]:
                hi = mid
            else:
                lo = mid + 1
        c = PyUnicode_READ(kind, data, n - 1)
        if c == 10:
            j = nends - 1  # before a newline ``$`` may stand: the last character says nothing
        else:
            j = _char_class(c, etab, end_astral)
        cls = _char_class(PyUnicode_READ(kind, data, 0), ftab, first_astral)
        data_of = per_class[cls]
        if data_of is None:
            data_of = per_class[cls] = build_class(cls)
        allowed = bands[lo] & ends[j] & <unsigned long long>data_of[0]
        literal = <unsigned long long>data_of[1]
        gated = <unsigned long long>data_of[2]
        if allowed & literal:  # the gate characters the key holds let their entries through
            gates = data_of[3]  # one 64-bit word per gate character (native order)
            for j in range(n):
                g = _char_class(PyUnicode_READ(kind, data, j), gtab, gate_astral)
                if g:
                    if 8 * (g + 1) > PyBytes_GET_SIZE(gates):
                        raise ValueError("gate masks: too few words")
                    memcpy(&gate, PyBytes_AS_STRING(gates) + 8 * g, 8)
                    gated |= gate
        mask = gated & allowed
        entries = <tuple>data_of[4]
        found = None
        bit = 0
        while mask:
            if not mask & 1:
                mask >>= 1
                bit += 1
                continue
            mask >>= 1
            entry = <tuple>entries[bit]
            bit += 1
            lits = entry[2]
            if lits is not None:
                for lit in <tuple>lits:
                    if PyUnicode_Contains(key, lit):
                        break
                else:
                    continue
            m = entry[1](key)
            if m is None:
                continue
            meta = lift(m, text, key) if entry[3] else ()
            found = scrubber_alloc(match_type)
            if verdicts:
                head = <tuple>entry[4]  # keep, id, reason, marks_end
                scrubber_set_slot(found, <Py_ssize_t>offsets[0], head[0])
                scrubber_set_slot(found, <Py_ssize_t>offsets[1], head[1])
                scrubber_set_slot(found, <Py_ssize_t>offsets[2], head[2])
                scrubber_set_slot(found, <Py_ssize_t>offsets[3], m[0])
                scrubber_set_slot(found, <Py_ssize_t>offsets[4], meta)
                scrubber_set_slot(found, <Py_ssize_t>offsets[5], head[3])
            else:
                scrubber_set_slot(found, <Py_ssize_t>offsets[0], entry[0])
                scrubber_set_slot(found, <Py_ssize_t>offsets[1], m[0])
                scrubber_set_slot(found, <Py_ssize_t>offsets[2], meta)
            break
        seen[key] = (text, found)
        out[i] = found
    return out
