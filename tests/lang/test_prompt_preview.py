"""Prompt preview (nexa_lang.prompt_preview) and token estimates (nexa_lang.token_estimates)."""

from pathlib import Path

from nexa_lang.analysis import Analysis, analyze
from nexa_lang.model import Workspace
from nexa_lang.model_ids import KNOWN_MODEL_NAMES
from nexa_lang.prompt_preview import PromptPreview, prompt_preview
from nexa_lang.token_estimates import CONTEXT_WINDOWS, context_window, estimate_tokens

CURSOR = "‸"


def analysis_of(text: str, path: str = "/virtual/main.nx") -> Analysis:
    workspace = Workspace()
    return analyze(workspace, workspace.set_text(path, text))


def preview_at(text: str, path: str = "/virtual/main.nx") -> PromptPreview | None:
    before, after = text.split(CURSOR)
    return prompt_preview(analysis_of(before + after, path), len(before.encode("utf-8")))


def test_role_line_then_prompt():
    found = preview_at('agent A { role: "Editor", prompt: "Fix typos.  " }\nflow main() { A.r‸un("x") }')
    assert found is not None and found.system == "Role: Editor. Fix typos."


def test_description_when_there_is_no_prompt():
    found = preview_at('agent A { description: "Summarizes." }\nflow main() { A‸("x") }')
    assert found is not None and found.system == "Summarizes."


def test_user_message_joins_literal_arguments_with_one_space():
    found = preview_at('agent A { prompt: "p" }\nflow main() { A.run("问题", 3, true‸) }')
    assert found is not None and found.messages[-1].content == "问题 3 true" and found.exact


def test_non_literal_argument_is_a_placeholder():
    found = preview_at('agent A { prompt: "p" }\nflow main(t) { A.run(t‸) }')
    assert found is not None and found.messages[-1].content == "‹input›" and not found.exact


def test_image_argument_counts_as_an_image():
    found = preview_at('agent A { prompt: "p" }\nflow main() { A.run("look", img("a.png")‸) }')
    assert found is not None and found.messages[-1].images == 1
    assert found.share.tokens == 1 + 1 + 1000


def test_protocol_paragraph_names_the_fields_in_order():
    text = 'protocol V { label: str, score: float }\nagent J implements V { prompt: "Judge." }\n'
    found = preview_at(text + 'flow main() { J.run("x"‸) }')
    assert found is not None and "label (str), score (float)" in found.system


def test_experience_file_is_appended(tmp_path: Path):
    (tmp_path / "notes.md").write_text("Be brief.", encoding="utf-8")
    source = 'agent A { prompt: "p", experience: "notes.md" }\nflow main() { A.run("x"‸) }'
    found = preview_at(source, str(tmp_path / "main.nx"))
    assert found is not None and found.system == "p\n\n[Experience]\nBe brief."


def test_missing_experience_file_is_skipped(tmp_path: Path):
    source = 'agent A { prompt: "p", experience: "none.md" }\nflow main() { A.run("x"‸) }'
    found = preview_at(source, str(tmp_path / "main.nx"))
    assert found is not None and found.system == "p"


def test_pipeline_stage_feeds_the_left_operand():
    found = preview_at('agent A { prompt: "p" }\nflow main() { x = "题目" >> A‸ }')
    assert found is not None and found.messages[-1].content == "题目"


def test_on_the_declaration_only_the_system_prompt():
    found = preview_at('agent A‸ { prompt: "p" }')
    assert found is not None and [m.role for m in found.messages] == ["system"]


def test_markdown_shows_model_and_messages():
    found = preview_at('agent A { model: "gpt-4o", prompt: "p" }\nflow main() { A.run("x"‸) }')
    assert found is not None
    text = found.markdown()
    assert "model `gpt-4o`" in text and "_user_" in text and "```text\nx\n```" in text


def test_no_preview_away_from_agents():
    assert preview_at("flow main() { x = 1‸ }") is None


def test_tokens_are_four_characters_each_rounded_up():
    assert [estimate_tokens(t) for t in ("", "a", "abcd", "abcde", "你好世界你")] == [0, 1, 1, 2, 2]


def test_context_window_ignores_the_provider():
    assert context_window("openai/gpt-4o") == context_window("gpt-4o") == 128_000
    assert context_window("openai:gpt-4") == 8_192


def test_context_windows_only_for_known_model_names():
    assert set(CONTEXT_WINDOWS) <= set(KNOWN_MODEL_NAMES)
    assert context_window("glm-5") is None and context_window("offline") is None
