/* nexa_tool.h — write a Nexa WASM tool in C (stdlib S§5.2).
 *
 * A tool is a WASI command: `main` reads the call's arguments, one JSON object, from stdin and
 * writes its result as JSON to stdout. Exit status 0 means success; a non-zero status (see
 * nexa_fail) becomes a tool error (E104) carrying the last line written to stderr.
 *
 *     #include "nexa_tool.h"
 *
 *     int main(void) {
 *         char *input = nexa_read_input();
 *         char *text = nexa_get_string(input, "text");          // NULL when absent
 *         if (!text) nexa_fail("missing argument 'text'");
 *         nexa_begin_object();
 *         nexa_key("length"); nexa_int((long long)strlen(text));
 *         nexa_end_object();
 *         return nexa_finish();
 *     }
 *
 * Build:   nexa tool build my_tool.c -o my_tool.wasm
 *          (clang --target=wasm32-wasi -O2 -I sdk/wasm my_tool.c -o my_tool.wasm)
 *
 * The sandbox: memory, table size, CPU time and output size are limited (max_memory_pages,
 * max_table_elements, max_cpu_time_ms, max_output_bytes); only the directories named in
 * allowed_paths (read-only) and writable_paths can be opened, under the names the declaration
 * gives them (fopen("data/words.txt", "r") for `allowed_paths: ["data"]`); there is no network.
 * Opening anything else stops the call with E402.
 *
 * The JSON reader is deliberately small: it finds a key of the top-level object and decodes
 * strings (with every escape, \uXXXX and surrogate pairs included), numbers and booleans. Nested
 * values can be found with nexa_find on the pointer nexa_find returned.
 */
#ifndef NEXA_TOOL_H
#define NEXA_TOOL_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Every helper is static and may go unused in a given tool. */
#define NEXA_API static __attribute__((unused))

/* ---------------------------------------------------------------- failing */

/* Write a message to stderr and exit with status 1: the caller gets E104 "<tool>: <message>". */
NEXA_API void nexa_fail(const char *format, ...) __attribute__((noreturn, format(printf, 1, 2)));
NEXA_API void nexa_fail(const char *format, ...) {
    va_list args;
    va_start(args, format);
    vfprintf(stderr, format, args);
    va_end(args);
    fputc('\n', stderr);
    exit(1);
}

NEXA_API void *nexa_alloc(size_t size) {
    void *p = malloc(size ? size : 1);
    if (!p) nexa_fail("out of memory (%zu bytes); raise max_memory_pages", size);
    return p;
}

/* ---------------------------------------------------------------- input */

/* All of stdin, NUL-terminated. Never NULL. */
NEXA_API char *nexa_read_input(void) {
    size_t capacity = 4096, length = 0;
    char *buffer = nexa_alloc(capacity);
    for (;;) {
        if (length + 1 >= capacity) {
            capacity *= 2;
            char *grown = realloc(buffer, capacity);
            if (!grown) nexa_fail("out of memory reading the arguments; raise max_memory_pages");
            buffer = grown;
        }
        size_t n = fread(buffer + length, 1, capacity - length - 1, stdin);
        if (n == 0) break;
        length += n;
    }
    buffer[length] = '\0';
    return buffer;
}

NEXA_API const char *nexa_skip_space(const char *p) {
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') p++;
    return p;
}

/* The end of the JSON value starting at p (strings, numbers, literals, nested objects/arrays). */
NEXA_API const char *nexa_skip_value(const char *p) {
    p = nexa_skip_space(p);
    if (*p == '"') {
        for (p++; *p && *p != '"'; p++)
            if (*p == '\\' && p[1]) p++;
        return *p ? p + 1 : p;
    }
    if (*p == '{' || *p == '[') {
        int depth = 0;
        for (; *p; p++) {
            if (*p == '"') {
                p = nexa_skip_value(p) - 1;
            } else if (*p == '{' || *p == '[') {
                depth++;
            } else if (*p == '}' || *p == ']') {
                if (--depth == 0) return p + 1;
            }
        }
        return p;
    }
    while (*p && *p != ',' && *p != '}' && *p != ']' && *p != ' ' && *p != '\n' && *p != '\t' && *p != '\r') p++;
    return p;
}

NEXA_API char *nexa_decode_string(const char *p, size_t *length_out);

/* The value of `key` in the object at `json` (a pointer into the text), or NULL. */
NEXA_API const char *nexa_find(const char *json, const char *key) {
    const char *p = nexa_skip_space(json);
    if (*p != '{') return NULL;
    p = nexa_skip_space(p + 1);
    while (*p == '"') {
        char *name = nexa_decode_string(p, NULL);
        p = nexa_skip_space(nexa_skip_value(p));
        if (*p != ':') {
            free(name);
            return NULL;
        }
        p = nexa_skip_space(p + 1);
        int match = name && strcmp(name, key) == 0;
        free(name);
        if (match) return p;
        p = nexa_skip_space(nexa_skip_value(p));
        if (*p != ',') return NULL;
        p = nexa_skip_space(p + 1);
    }
    return NULL;
}

NEXA_API int nexa_hex4(const char *p, unsigned *out) {
    unsigned value = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        value <<= 4;
        if (c >= '0' && c <= '9') value |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f') value |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') value |= (unsigned)(c - 'A' + 10);
        else return 0;
    }
    *out = value;
    return 1;
}

NEXA_API char *nexa_put_utf8(char *out, unsigned cp) {
    if (cp < 0x80) {
        *out++ = (char)cp;
    } else if (cp < 0x800) {
        *out++ = (char)(0xC0 | (cp >> 6));
        *out++ = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        *out++ = (char)(0xE0 | (cp >> 12));
        *out++ = (char)(0x80 | ((cp >> 6) & 0x3F));
        *out++ = (char)(0x80 | (cp & 0x3F));
    } else {
        *out++ = (char)(0xF0 | (cp >> 18));
        *out++ = (char)(0x80 | ((cp >> 12) & 0x3F));
        *out++ = (char)(0x80 | ((cp >> 6) & 0x3F));
        *out++ = (char)(0x80 | (cp & 0x3F));
    }
    return out;
}

/* A JSON string at p, decoded to a new NUL-terminated UTF-8 buffer (free it), or NULL when p is
 * not a string. `length_out` (may be NULL) gets its length in bytes (the text may contain \0). */
NEXA_API char *nexa_decode_string(const char *p, size_t *length_out) {
    if (!p || *p != '"') return NULL;
    const char *end = nexa_skip_value(p);
    char *result = nexa_alloc((size_t)(end - p) + 1);
    char *out = result;
    for (p++; *p && *p != '"'; p++) {
        if (*p != '\\') {
            *out++ = *p;
            continue;
        }
        p++;
        switch (*p) {
        case 'n': *out++ = '\n'; break;
        case 't': *out++ = '\t'; break;
        case 'r': *out++ = '\r'; break;
        case 'b': *out++ = '\b'; break;
        case 'f': *out++ = '\f'; break;
        case 'u': {
            unsigned cp, low;
            if (!nexa_hex4(p + 1, &cp)) break;
            p += 4;
            if (cp >= 0xD800 && cp < 0xDC00 && p[1] == '\\' && p[2] == 'u' && nexa_hex4(p + 3, &low) &&
                low >= 0xDC00 && low < 0xE000) {
                cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                p += 6;
            }
            out = nexa_put_utf8(out, cp);
            break;
        }
        case '\0': p--; break;
        default: *out++ = *p; break; /* \" \\ \/ */
        }
    }
    *out = '\0';
    if (length_out) *length_out = (size_t)(out - result);
    return result;
}

/* The string argument `key` (decoded, free it), or NULL when absent or not a string. */
NEXA_API char *nexa_get_string(const char *json, const char *key) {
    return nexa_decode_string(nexa_find(json, key), NULL);
}

/* The number argument `key`, or `fallback` when absent or not a number. */
NEXA_API double nexa_get_number(const char *json, const char *key, double fallback) {
    const char *p = nexa_find(json, key);
    if (!p) return fallback;
    char *end;
    double value = strtod(p, &end);
    return end == p ? fallback : value;
}

/* The boolean argument `key`, or `fallback` when absent or not a boolean. */
NEXA_API int nexa_get_bool(const char *json, const char *key, int fallback) {
    const char *p = nexa_find(json, key);
    if (p && strncmp(p, "true", 4) == 0) return 1;
    if (p && strncmp(p, "false", 5) == 0) return 0;
    return fallback;
}

/* ---------------------------------------------------------------- output */

NEXA_API int nexa_needs_comma_ = 0;

NEXA_API void nexa_separate_(void) {
    if (nexa_needs_comma_) fputc(',', stdout);
    nexa_needs_comma_ = 0;
}

/* Raw JSON text, written as given. */
NEXA_API void nexa_raw(const char *json) {
    nexa_separate_();
    fputs(json, stdout);
    nexa_needs_comma_ = 1;
}

/* A string value (UTF-8 passes through; quotes, backslashes and control characters escaped). */
NEXA_API void nexa_string_n(const char *s, size_t length) {
    nexa_separate_();
    fputc('"', stdout);
    for (size_t i = 0; i < length; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            fputc('\\', stdout);
            fputc(c, stdout);
        } else if (c == '\n') {
            fputs("\\n", stdout);
        } else if (c == '\t') {
            fputs("\\t", stdout);
        } else if (c == '\r') {
            fputs("\\r", stdout);
        } else if (c < 0x20) {
            fprintf(stdout, "\\u%04x", c);
        } else {
            fputc(c, stdout);
        }
    }
    fputc('"', stdout);
    nexa_needs_comma_ = 1;
}

NEXA_API void nexa_string(const char *s) { nexa_string_n(s, strlen(s)); }

NEXA_API void nexa_int(long long value) {
    nexa_separate_();
    fprintf(stdout, "%lld", value);
    nexa_needs_comma_ = 1;
}

NEXA_API void nexa_number(double value) {
    nexa_separate_();
    fprintf(stdout, "%.17g", value);
    nexa_needs_comma_ = 1;
}

NEXA_API void nexa_bool(int value) { nexa_raw(value ? "true" : "false"); }
NEXA_API void nexa_null(void) { nexa_raw("null"); }

NEXA_API void nexa_begin_object(void) { nexa_separate_(); fputc('{', stdout); }
NEXA_API void nexa_end_object(void) { fputc('}', stdout); nexa_needs_comma_ = 1; }
NEXA_API void nexa_begin_array(void) { nexa_separate_(); fputc('[', stdout); }
NEXA_API void nexa_end_array(void) { fputc(']', stdout); nexa_needs_comma_ = 1; }

/* An object key; the next value written is its value. */
NEXA_API void nexa_key(const char *name) {
    nexa_string(name);
    fputc(':', stdout);
    nexa_needs_comma_ = 0;
}

/* Flush stdout; the status for `return` from main (1 when the output could not be written, for
 * example past max_output_bytes). */
NEXA_API int nexa_finish(void) {
    return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 1;
}

#endif /* NEXA_TOOL_H */
