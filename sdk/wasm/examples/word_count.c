/* word_count: {"text": str} -> {"words": int, "lines": int, "characters": int}
 *
 * Words are runs of characters other than ASCII whitespace; characters are Unicode code points
 * (UTF-8 continuation bytes are not counted); lines count the line breaks, plus one for a last line
 * without a break. Build: nexa tool build word_count.c -o word_count.wasm
 */
#include "nexa_tool.h"

int main(void) {
    char *input = nexa_read_input();
    size_t length;
    char *text = nexa_decode_string(nexa_find(input, "text"), &length);
    if (!text) nexa_fail("argument 'text' (a string) is required");

    long long words = 0, lines = 0, characters = 0;
    int in_word = 0;
    for (size_t i = 0; i < length; i++) {
        unsigned char c = (unsigned char)text[i];
        if ((c & 0xC0) != 0x80) characters++;
        if (c == '\n') lines++;
        int space = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
        if (!space && !in_word) words++;
        in_word = !space;
    }
    if (length > 0 && text[length - 1] != '\n') lines++;

    nexa_begin_object();
    nexa_key("words"); nexa_int(words);
    nexa_key("lines"); nexa_int(lines);
    nexa_key("characters"); nexa_int(characters);
    nexa_end_object();
    return nexa_finish();
}
