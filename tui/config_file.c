/* virtmig.conf reading and atomic writing; see config_file.h. */
#include "config_file.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *format_error(const char *format, ...)
{
    va_list args;
    va_start(args, format);
    char *text = NULL;
    if (vasprintf(&text, format, args) < 0)
        text = NULL;
    va_end(args);
    return text;
}

char *config_file_default_path(void)
{
    const char *xdg = getenv("XDG_CONFIG_HOME");
    char *path = NULL;
    if (xdg && xdg[0] == '/') {
        if (asprintf(&path, "%s/virtmig/virtmig.conf", xdg) < 0)
            return NULL;
        return path;
    }
    const char *home = getenv("HOME");
    if (!home || !home[0])
        return NULL;
    if (asprintf(&path, "%s/.config/virtmig/virtmig.conf", home) < 0)
        return NULL;
    return path;
}

/* Reads the whole file; a missing file is empty text with *missing set. */
static int read_all(const char *path, char **text, bool *missing, char **error)
{
    *text = NULL;
    *missing = false;
    FILE *file = fopen(path, "r");
    if (!file) {
        if (errno == ENOENT) {
            *missing = true;
            *text = strdup("");
            return *text ? 0 : -1;
        }
        *error = format_error("%s: cannot read: %s", path, strerror(errno));
        return -1;
    }
    size_t size = 0, capacity = 4096;
    char *buffer = malloc(capacity);
    if (!buffer) {
        fclose(file);
        return -1;
    }
    size_t got;
    while ((got = fread(buffer + size, 1, capacity - size - 1, file)) > 0) {
        size += got;
        if (capacity - size <= 1) {
            char *bigger = realloc(buffer, capacity * 2);
            if (!bigger) {
                free(buffer);
                fclose(file);
                return -1;
            }
            buffer = bigger;
            capacity *= 2;
        }
    }
    bool failed = ferror(file);
    fclose(file);
    if (failed) {
        free(buffer);
        *error = format_error("%s: read error", path);
        return -1;
    }
    buffer[size] = '\0';
    *text = buffer;
    return 0;
}

/* If `line` (length bytes, no newline) is "key = value", returns true and the
 * value's span (trimmed). */
static bool match_key(const char *line, size_t length, const char *key, const char **value,
                      size_t *value_length)
{
    size_t i = 0;
    while (i < length && isspace((unsigned char)line[i]))
        i++;
    size_t key_length = strlen(key);
    if (length - i < key_length || strncmp(line + i, key, key_length) != 0)
        return false;
    i += key_length;
    while (i < length && (line[i] == ' ' || line[i] == '\t'))
        i++;
    if (i >= length || line[i] != '=')
        return false;
    i++;
    while (i < length && isspace((unsigned char)line[i]))
        i++;
    size_t end = length;
    while (end > i && isspace((unsigned char)line[end - 1]))
        end--;
    *value = line + i;
    *value_length = end - i;
    return true;
}

int config_file_get(const char *path, const char *key, char **value, char **error)
{
    *value = NULL;
    if (!path)
        return 0;
    char *text;
    bool missing;
    if (read_all(path, &text, &missing, error) < 0)
        return -1;
    int found = 0;
    for (const char *line = text; *line;) {
        const char *end = strchr(line, '\n');
        size_t length = end ? (size_t)(end - line) : strlen(line);
        const char *v;
        size_t v_length;
        if (match_key(line, length, key, &v, &v_length)) {
            *value = strndup(v, v_length);
            found = *value ? 1 : -1;
            break;
        }
        line = end ? end + 1 : line + length;
    }
    free(text);
    return found;
}

/* mkdir -p for the file's directory, 0700 for what we create. */
static int make_parent_dirs(const char *path, char **error)
{
    char *copy = strdup(path);
    if (!copy)
        return -1;
    for (char *p = copy + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(copy, 0700) < 0 && errno != EEXIST) {
            *error = format_error("%s: cannot create directory %s: %s", path, copy,
                                  strerror(errno));
            free(copy);
            return -1;
        }
        *p = '/';
    }
    free(copy);
    return 0;
}

static int write_all(int fd, const char *data, size_t length)
{
    while (length > 0) {
        ssize_t written = write(fd, data, length);
        if (written < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        data += written;
        length -= (size_t)written;
    }
    return 0;
}

int config_file_set(const char *path, const char *key, const char *value, char **error)
{
    *error = NULL;
    if (!path || !key || !value) {
        *error = format_error("no configuration file path: set XDG_CONFIG_HOME or HOME");
        return -1;
    }
    char *text = NULL, *temp_path = NULL, *output = NULL;
    size_t output_size = 0;
    int fd = -1, result = -1;
    bool missing;
    if (read_all(path, &text, &missing, error) < 0)
        goto cleanup;

    FILE *out = open_memstream(&output, &output_size);
    if (!out)
        goto cleanup;
    bool written = false;
    for (const char *line = text; *line;) {
        const char *end = strchr(line, '\n');
        size_t length = end ? (size_t)(end - line) : strlen(line);
        const char *v;
        size_t v_length;
        if (match_key(line, length, key, &v, &v_length)) {
            if (!written)
                fprintf(out, "%s = %s\n", key, value);
            written = true;   /* later duplicates are dropped: one truth */
        } else {
            fprintf(out, "%.*s\n", (int)length, line);
        }
        line = end ? end + 1 : line + length;
    }
    if (!written) {
        if (missing)
            fprintf(out, "# virtmig console settings (written by virtmig; comments are kept)\n");
        fprintf(out, "%s = %s\n", key, value);
    }
    if (fclose(out) != 0)
        goto cleanup;

    if (make_parent_dirs(path, error) < 0)
        goto cleanup;
    if (asprintf(&temp_path, "%s.tmp.XXXXXX", path) < 0) {
        temp_path = NULL;
        goto cleanup;
    }
    fd = mkstemp(temp_path);
    if (fd < 0) {
        *error = format_error("%s: cannot create a temporary file next to it: %s", path,
                              strerror(errno));
        goto cleanup;
    }
    if (fchmod(fd, 0600) < 0 || write_all(fd, output, output_size) < 0 || fsync(fd) < 0) {
        *error = format_error("%s: cannot write %s: %s", path, temp_path, strerror(errno));
        goto cleanup;
    }
    if (close(fd) < 0) {
        fd = -1;
        *error = format_error("%s: cannot write %s: %s", path, temp_path, strerror(errno));
        goto cleanup;
    }
    fd = -1;
    if (rename(temp_path, path) < 0) {
        *error = format_error("%s: cannot replace it: %s", path, strerror(errno));
        goto cleanup;
    }
    result = 0;

cleanup:
    if (fd >= 0)
        close(fd);
    if (result < 0 && temp_path)
        unlink(temp_path);
    if (result < 0 && !*error)
        *error = format_error("%s: out of memory while saving", path);
    free(temp_path);
    free(output);
    free(text);
    return result;
}
