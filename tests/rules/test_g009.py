"""G009 secret-literal: a string literal that looks like a credential."""

from nexa_lang.checker import check_text
from nexa_lang.fixes import apply_fixes
from nexa_lang.positions import LineIndex, Unit


def found(text: str, code: str) -> list[tuple[str, int, int, str]]:
    """(code, 1-based line, 1-based column in code points, message) of each diagnostic of `code`."""
    index = LineIndex(text)
    result = []
    for d in check_text(text, codes=[code]):
        line, column = index.position(d.span.start, Unit.CODEPOINT, line_base=1, column_base=1)
        result.append((d.code, line, column, d.message))
    return result


def fixed(text: str, code: str) -> str:
    return apply_fixes(text, check_text(text, codes=[code]), unsafe=True).text


ADVICE = 'keep credentials in secrets.nxs and read them with secret("NAME")'
OPENAI = f"this string looks like a OpenAI-style key; {ADVICE}"


def test_g009_points_at_the_key_inside_a_prompt() -> None:
    text = 'agent Deployer {\n    prompt: "Deploy with token sk-proj-4f9a8b7c6d5e4f3a2b1c0d9e8f7a"\n}\n'
    assert found(text, "G009") == [("G009", 2, 32, OPENAI)]


def test_g009_not_reported_for_a_short_sk_word() -> None:
    text = 'agent Deployer {\n    prompt: "Deploy with the sk-short token you are given"\n}\n'
    assert found(text, "G009") == []


def test_g009_columns_count_code_points_after_chinese_text() -> None:
    text = 'flow main {\n    key = "密钥 AKIAABCDEFGHIJKLMNOP"\n    print(key)\n}\n'
    message = f"this string looks like a AWS access key id; {ADVICE}"
    assert found(text, "G009") == [("G009", 2, 15, message)]


def test_g009_not_reported_in_comments() -> None:
    text = "// token sk-proj-4f9a8b7c6d5e4f3a2b1c0d9e8f7a\nflow main { print(1) }\n"
    assert found(text, "G009") == []


def test_g009_fix_reads_the_secret() -> None:
    text = 'flow main {\n    print("sk-proj-4f9a8b7c6d5e4f3a2b1c0d9e8f7a")\n}\n'
    assert fixed(text, "G009") == 'flow main {\n    print(secret("API_KEY"))\n}\n'
