/* virtmig.conf: the console's own settings, "key = value" lines with '#'
 * comments (today only `theme = NAME`). Pure file I/O, no curses.
 *
 * Writes are atomic: the new content goes to a temporary file in the same
 * directory, is fsync'd, then renamed over the old file, so a crash leaves
 * either the old or the new file, never half of one. Lines the writer does not
 * know (comments, future keys) are kept as they were. */
#ifndef VIRTMIG_TUI_CONFIG_FILE_H
#define VIRTMIG_TUI_CONFIG_FILE_H

/* $XDG_CONFIG_HOME/virtmig/virtmig.conf, else ~/.config/virtmig/virtmig.conf;
 * malloc'd, NULL when neither variable is set. */
char *config_file_default_path(void);

/* Reads `key`. Returns 1 and *value (malloc'd) when set, 0 when the file or
 * the key is missing, -1 with *error (malloc'd) when the file cannot be read. */
int config_file_get(const char *path, const char *key, char **value, char **error);

/* Sets `key = value` (replacing the first such line, dropping duplicates, or
 * appending), creating the directory (0700) and file (0600) if needed.
 * Returns 0, or -1 with *error (malloc'd) naming the file and the reason. */
int config_file_set(const char *path, const char *key, const char *value, char **error);

#endif
