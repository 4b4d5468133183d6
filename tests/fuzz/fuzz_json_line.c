/* libFuzzer target for the JSON Lines reader and writer (core/json_writer.c):
 * any line gives found / absent / malformed, never a crash, a leak or
 * undefined behaviour; a string the reader found, written back by the writer,
 * reads back the same.
 *
 * Not built by `make`. Build and run it with clang's libFuzzer:
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -Icore \
 *       tests/fuzz/fuzz_json_line.c core/json_writer.c core/c_locale.c -lm -lpthread \
 *       -o /tmp/fuzz_json_line
 *   mkdir -p /tmp/fuzz-json && printf '{"a":"x\\u00e9","b":[1,{"c":null}]}' > /tmp/fuzz-json/seed
 *   /tmp/fuzz_json_line -max_total_time=60 /tmp/fuzz-json */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json_writer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *line = malloc(size + 1);
    if (!line)
        return 0;
    memcpy(line, data, size);
    line[size] = '\0';

    char *text = NULL;
    int found = json_line_get_string(line, "a", &text);
    if (found == 1) {
        JsonWriter *writer = json_writer_new();
        json_writer_object_open(writer);
        json_writer_key(writer, "a");
        json_writer_string(writer, text);
        if (json_writer_object_close(writer) == 0) {
            char *back = NULL;
            if (json_line_get_string(json_writer_text(writer), "a", &back) != 1 ||
                strcmp(back, text) != 0)
                abort();
            free(back);
        }
        json_writer_free(writer);
    } else if (text) {
        abort();   /* nothing is handed out unless found */
    }
    free(text);

    /* The other readers agree on whether the line is well formed. */
    double number;
    int64_t integer;
    bool flag;
    int number_rc = json_line_get_number(line, "a", &number);
    if ((found < 0) != (number_rc < 0) ||
        (found < 0) != (json_line_get_int(line, "a", &integer) < 0) ||
        (found < 0) != (json_line_get_bool(line, "a", &flag) < 0))
        abort();

    /* Any bytes as a string value give valid, complete JSON. */
    JsonWriter *writer = json_writer_new();
    json_writer_array_open(writer);
    json_writer_string(writer, line);
    if (json_writer_array_close(writer) == 0 && !json_writer_complete(writer))
        abort();
    json_writer_free(writer);
    free(line);
    return 0;
}
