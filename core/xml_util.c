/* Shared libxml2 plumbing for domain_xml.c and host_xml.c: see xml_util.h. */
#include "xml_util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "domain_xml.h"

/* ---- errors ----------------------------------------------------------- */

void xml_set_error(char **error, const char *format, ...)
{
    if (!error)
        return;
    free(*error);
    *error = NULL;
    va_list args;
    va_start(args, format);
    if (vasprintf(error, format, args) < 0)
        *error = NULL;
    va_end(args);
}

void xml_set_oom(char **error, const char *source)
{
    xml_set_error(error, "%s: out of memory while reading the XML", source);
}

/* ---- libxml2 setup and parsing --------------------------------------- */

static pthread_once_t libxml_once = PTHREAD_ONCE_INIT;

/* xmlInitParser() must run once before threads parse concurrently. */
static void libxml_init(void)
{
    xmlInitParser();
}

typedef struct {
    bool set;
    int line;
    char message[200];
} FirstError;

/* libxml2's structured error callback for one parse: keeps the first error
 * (warnings are not errors: libvirt accepts what merely warns). */
static void record_first_error(void *data, xmlErrorPtr report)
{
    xmlParserCtxtPtr ctxt = data;
    FirstError *first = ctxt ? ctxt->_private : NULL;
    if (!first || first->set || !report || report->level == XML_ERR_WARNING)
        return;
    first->set = true;
    first->line = report->line;
    const char *text = report->message ? report->message : "malformed XML";
    size_t n = strlen(text);
    while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == ' '))
        n--;   /* libxml2's messages end with a newline */
    if (n >= sizeof(first->message))
        n = sizeof(first->message) - 1;
    memcpy(first->message, text, n);
    first->message[n] = '\0';
}

/* Parses a whole document and checks its root element's name. Never touches the
 * network, never loads a DTD and never expands entities, so hostile input can
 * neither read local files nor blow up memory. */
xmlDocPtr xml_parse_document(const char *xml, const char *source, const char *root_name,
                             char **error)
{
    pthread_once(&libxml_once, libxml_init);
    if (!xml) {
        xml_set_error(error, "%s: no XML given", source);
        return NULL;
    }
    size_t length = strlen(xml);
    if (length > INT_MAX) {
        xml_set_error(error, "%s: the document is too large to parse (%zu bytes)", source,
                      length);
        return NULL;
    }
    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
    if (!ctxt) {
        xml_set_oom(error, source);
        return NULL;
    }
    /* libxml2 keeps only its last error, often a consequence ("Premature end of
     * data") of the first one, which is where the operator must look. */
    FirstError first = {0};
    ctxt->_private = &first;
    ctxt->sax->serror = record_first_error;
    xmlDocPtr doc = xmlCtxtReadMemory(ctxt, xml, (int)length, NULL, NULL,
                                      XML_PARSE_NONET | XML_PARSE_NOERROR |
                                      XML_PARSE_NOWARNING);
    if (!doc || !ctxt->wellFormed || first.set) {
        if (first.set)
            xml_set_error(error, "%s:%d: %s (fix the XML at that line)", source, first.line,
                          first.message);
        else
            xml_set_error(error, "%s: not well-formed XML", source);
        xmlFreeDoc(doc);
        xmlFreeParserCtxt(ctxt);
        return NULL;
    }
    xmlFreeParserCtxt(ctxt);

    /* A DTD can declare entities whose expansion multiplies (XPath's string()
     * would expand them); libvirt's documents never carry one. */
    if (doc->intSubset || doc->extSubset) {
        xml_set_error(error, "%s: the document declares a DTD (<!DOCTYPE ...>), which "
                      "libvirt's XML never has: remove it", source);
        xmlFreeDoc(doc);
        return NULL;
    }

    xmlNodePtr root = xmlDocGetRootElement(doc);
    if (!root || !root->name || strcmp((const char *)root->name, root_name) != 0) {
        xml_set_error(error, "%s: the root element is <%s>, not <%s>: give a %s document",
                      source, root && root->name ? (const char *)root->name : "",
                      root_name, root_name);
        xmlFreeDoc(doc);
        return NULL;
    }
    return doc;
}

/* ---- XPath helpers ---------------------------------------------------- */

/* Evaluates string(expr) relative to node. *out is a malloc'd copy, or NULL when
 * the value is empty or absent. Returns -1 only when XPath itself failed
 * (out of memory: the expressions are fixed and valid). */
int xml_xp_string(xmlXPathContextPtr xpath, xmlNodePtr node, const char *expr, char **out)
{
    *out = NULL;
    xpath->node = node;
    char full[256];
    int n = snprintf(full, sizeof(full), "string(%s)", expr);
    if (n < 0 || (size_t)n >= sizeof(full))
        return -1;
    xmlXPathObjectPtr result = xmlXPathEvalExpression((const xmlChar *)full, xpath);
    if (!result)
        return -1;
    int rc = 0;
    if (result->type == XPATH_STRING && result->stringval && result->stringval[0]) {
        *out = strdup((const char *)result->stringval);
        if (!*out)
            rc = -1;
    }
    xmlXPathFreeObject(result);
    return rc;
}

/* boolean(expr) relative to node; -1 on XPath failure. */
int xml_xp_bool(xmlXPathContextPtr xpath, xmlNodePtr node, const char *expr, bool *out)
{
    *out = false;
    xpath->node = node;
    xmlXPathObjectPtr result = xmlXPathEvalExpression((const xmlChar *)expr, xpath);
    if (!result)
        return -1;
    *out = xmlXPathCastToBoolean(result) != 0;
    xmlXPathFreeObject(result);
    return 0;
}

/* Node set for expr relative to node; the caller frees the object. NULL on failure. */
xmlXPathObjectPtr xml_xp_nodes(xmlXPathContextPtr xpath, xmlNodePtr node, const char *expr)
{
    xpath->node = node;
    return xmlXPathEvalExpression((const xmlChar *)expr, xpath);
}

size_t xml_node_count(const xmlXPathObjectPtr object)
{
    if (!object || object->type != XPATH_NODESET || !object->nodesetval)
        return 0;
    return (size_t)object->nodesetval->nodeNr;
}

int xml_read_document(const char *xml, const char *source, const char *root_name,
                      XmlDocumentReader read, void *target, char **error)
{
    xmlDocPtr doc = xml_parse_document(xml, source, root_name, error);
    if (!doc)
        return -1;
    int rc = -1;
    xmlXPathContextPtr xpath = xmlXPathNewContext(doc);
    if (!xpath)
        xml_set_oom(error, source);
    else
        rc = read(xpath, doc, xmlDocGetRootElement(doc), source, target, error);
    xmlXPathFreeContext(xpath);
    xmlFreeDoc(doc);
    return rc;
}

int xml_read_array(xmlXPathContextPtr xpath, xmlNodePtr node, const char *expr,
                   const char *source, size_t element_size, XmlElementReader read_element,
                   void **array, size_t *count, char **error)
{
    int rc = -1;
    xmlXPathObjectPtr nodes = xml_xp_nodes(xpath, node, expr);
    if (!nodes) {
        xml_set_oom(error, source);
        return -1;
    }
    size_t found = xml_node_count(nodes);
    if (found && !(*array = calloc(found, element_size))) {
        xml_set_oom(error, source);
        goto cleanup;
    }
    for (size_t i = 0; i < found; i++) {
        *count = i + 1;
        if (read_element(xpath, nodes->nodesetval->nodeTab[i], i, source,
                         (char *)*array + i * element_size, error) < 0)
            goto cleanup;
    }
    rc = 0;
cleanup:
    xmlXPathFreeObject(nodes);
    return rc;
}

/* ---- numbers ---------------------------------------------------------- */

int xml_parse_unsigned(const char *text, int base, unsigned long long *out)
{
    if (!text || !*text || text[0] == '-' || text[0] == '+')
        return -1;
    errno = 0;
    char *end = NULL;
    unsigned long long value = strtoull(text, &end, base);
    while (end && (*end == ' ' || *end == '\t' || *end == '\n'))
        end++;
    if (errno || !end || end == text || *end)
        return -1;
    *out = value;
    return 0;
}

char *domain_xml_read_file(const char *path, char **error)
{
    if (!path || !*path) {
        xml_set_error(error, "no file name given: type the path of an XML file");
        return NULL;
    }
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        xml_set_error(error, "cannot read %s: %s", path, strerror(errno));
        return NULL;
    }
    char *text = NULL;
    struct stat st;
    if (fstat(fd, &st) < 0) {
        xml_set_error(error, "cannot read %s: %s", path, strerror(errno));
        goto cleanup;
    }
    if (S_ISDIR(st.st_mode)) {
        xml_set_error(error, "cannot read %s: it is a directory; give an XML file", path);
        goto cleanup;
    }
    size_t capacity = 8192, used = 0;
    if (!(text = malloc(capacity))) {
        xml_set_error(error, "cannot read %s: out of memory", path);
        goto cleanup;
    }
    for (;;) {
        if (used + 1 >= capacity) {
            if (capacity > DOMAIN_XML_MAX_FILE_BYTES) {
                xml_set_error(error, "cannot read %s: larger than %u MiB, which no domain XML "
                          "is; check the file name", path, DOMAIN_XML_MAX_FILE_BYTES >> 20);
                goto fail;
            }
            char *bigger = realloc(text, capacity * 2);
            if (!bigger) {
                xml_set_error(error, "cannot read %s: out of memory", path);
                goto fail;
            }
            text = bigger;
            capacity *= 2;
        }
        ssize_t n = read(fd, text + used, capacity - used - 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            xml_set_error(error, "cannot read %s: %s", path, strerror(errno));
            goto fail;
        }
        if (n == 0)
            break;
        used += (size_t)n;
    }
    text[used] = '\0';
    if (strlen(text) != used) {
        xml_set_error(error, "cannot use %s: it contains NUL bytes, so it is not an XML text "
                  "file", path);
        goto fail;
    }
    goto cleanup;
fail:
    free(text);
    text = NULL;
cleanup:
    close(fd);
    return text;
}

