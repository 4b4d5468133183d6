/* libxml2 plumbing shared by the XML readers (domain_xml.c, host_xml.c).
 * Internal to core/: front ends use domain_xml.h. */
#ifndef VIRTMIG_XML_UTIL_H
#define VIRTMIG_XML_UTIL_H

#include <stdbool.h>
#include <stddef.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>

/* Replaces *error (when error is not NULL) with a malloc'd message. */
void xml_set_error(char **error, const char *format, ...)
    __attribute__((format(printf, 2, 3)));
void xml_set_oom(char **error, const char *source);

/* Parses a whole document safely (no network, no DTD, no entity expansion)
 * and checks the root element's name. `source` names the document in errors,
 * which carry libxml2's line and message. The caller frees with xmlFreeDoc. */
xmlDocPtr xml_parse_document(const char *xml, const char *source, const char *root_name,
                             char **error);

/* Reads a whole document: parses it as xml_parse_document does, gives `read`
 * an XPath context, the document and its root, then frees them all. 0, or -1
 * with *error set (by the parse, by `read`, or out of memory). */
typedef int (*XmlDocumentReader)(xmlXPathContextPtr xpath, xmlDocPtr doc, xmlNodePtr root,
                                 const char *source, void *target, char **error);
int xml_read_document(const char *xml, const char *source, const char *root_name,
                      XmlDocumentReader read, void *target, char **error);

/* Reads every node of `expr` (relative to node) into a calloc'd array of
 * element_size-byte elements, one `read_element` call per node. *count grows
 * before each element is read, so the owner's free function frees whatever
 * was filled even when a later element fails. The owner frees *array. */
typedef int (*XmlElementReader)(xmlXPathContextPtr xpath, xmlNodePtr node, size_t index,
                                const char *source, void *element, char **error);
int xml_read_array(xmlXPathContextPtr xpath, xmlNodePtr node, const char *expr,
                   const char *source, size_t element_size, XmlElementReader read_element,
                   void **array, size_t *count, char **error);

/* string(expr) relative to node: *out is a malloc'd copy, or NULL when empty
 * or absent. -1 only when XPath itself failed (out of memory). */
int xml_xp_string(xmlXPathContextPtr xpath, xmlNodePtr node, const char *expr, char **out);
/* boolean(expr) relative to node (expr must be a boolean() call); -1 on failure. */
int xml_xp_bool(xmlXPathContextPtr xpath, xmlNodePtr node, const char *expr, bool *out);
/* The node set for expr relative to node; the caller frees it. NULL on failure. */
xmlXPathObjectPtr xml_xp_nodes(xmlXPathContextPtr xpath, xmlNodePtr node, const char *expr);
size_t xml_node_count(const xmlXPathObjectPtr object);

/* A whole unsigned number in `base` (0: C prefixes), surrounding blanks allowed
 * at the end only. 0, or -1 when the text is not such a number. */
int xml_parse_unsigned(const char *text, int base, unsigned long long *out);

#endif
