/* read_file: {"path": str} -> {"text": str, "bytes": int}
 *
 * Reads a file below one of the tool's allowed_paths, e.g. "data/notes.txt" for
 * `allowed_paths: ["data"]`. Any other path stops the call with E402 (the sandbox refuses it).
 * With {"path": …, "append": str} it appends the text first (needs writable_paths).
 */
#include "nexa_tool.h"

int main(void) {
    char *input = nexa_read_input();
    char *path = nexa_get_string(input, "path");
    if (!path) nexa_fail("argument 'path' (a string) is required");
    char *append = nexa_get_string(input, "append");
    if (append) {
        FILE *out = fopen(path, "a");
        if (!out) nexa_fail("cannot open %s for appending", path);
        fputs(append, out);
        fclose(out);
    }
    FILE *file = fopen(path, "rb");
    if (!file) nexa_fail("cannot open %s", path);
    size_t capacity = 4096, length = 0;
    char *text = nexa_alloc(capacity);
    size_t n;
    while ((n = fread(text + length, 1, capacity - length, file)) > 0) {
        length += n;
        if (length == capacity) {
            capacity *= 2;
            text = realloc(text, capacity);
            if (!text) nexa_fail("out of memory; raise max_memory_pages");
        }
    }
    fclose(file);
    nexa_begin_object();
    nexa_key("text"); nexa_string_n(text, length);
    nexa_key("bytes"); nexa_int((long long)length);
    nexa_end_object();
    return nexa_finish();
}
