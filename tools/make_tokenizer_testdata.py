#!/usr/bin/python3
"""Makes the SentencePiece test data for jcomfy's Java tokenizer.

Trains a small unigram model with Debian's python3-sentencepiece (a developer tool only:
`apt-get install -y python3-sentencepiece`) and records, for ~200 test strings, the ids
that the C++ SentencePiece library produces. The Java tokenizer test must reproduce
every id list exactly.

Outputs (re-run from the repository root: /usr/bin/python3 tools/make_tokenizer_testdata.py):
  nodes/src/test/resources/tokenizer/test-unigram.model   the trained model
  nodes/src/test/resources/tokenizer/test-unigram-cases.json  [{text, pieces, ids}, ...]
  nodes/src/test/resources/tokenizer/test-unigram-identity-*.{model,-cases.json}
                                                           variants: identity rule, no dummy
                                                           prefix / extra whitespace kept /
                                                           no byte fallback; whitespace as suffix
  nodes/src/main/resources/tokenizer/demo-spiece.model     the same model, used by the
                                                           demo text-encoder weights

The model follows T5's conventions: pad 0, eos `</s>` 1, unk 2, no bos; nmt_nfkc
normalisation (the default, with its precompiled charsmap) and byte fallback, plus one
user-defined symbol so that path is exercised too.
"""
import glob
import io
import json
import os
import random

import sentencepiece as spm

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TEST_DIR = os.path.join(ROOT, "nodes/src/test/resources/tokenizer")
MAIN_DIR = os.path.join(ROOT, "nodes/src/main/resources/tokenizer")


def training_sentences():
    """English licence texts from the system plus a few lines in other scripts."""
    lines = []
    for path in sorted(glob.glob("/usr/share/common-licenses/*")):
        if os.path.isfile(path):
            with open(path, encoding="utf-8", errors="replace") as f:
                lines += [l.strip() for l in f if l.strip()]
    extra = [
        "A cat walks through a sunny garden, cinematic lighting, 4k.",
        "Café au lait, crème brûlée, naïve façade, Zürich, São Paulo, Ångström.",
        "一只猫在阳光明媚的花园里散步。 日本語のテキストです。",
        "고양이가 정원을 걷고 있다. Кошка гуляет по саду. Η γάτα περπατά.",
        "Ｆｕｌｌ－ｗｉｄｔｈ　ｔｅｘｔ　１２３ and ﬁne ligatures ①②③ x² Ⅻ",
        "low quality, blurry, static, overexposed, worst quality, jpeg artifacts",
    ]
    return lines + extra * 20


def test_strings():
    """About 200 strings covering the normaliser and segmentation paths."""
    fixed = [
        "", " ", "   ", "\t", "\n", " \t\n ",
        "a", "A cat.", "hello world", "Hello, World!", "  leading spaces", "trailing spaces   ",
        "multiple   inner    spaces", "tabs\tbetween\twords", "new\nlines\nhere", "mixed \t\n whitespace",
        "This program is free software; you can redistribute it and/or modify it.",
        "THE SOFTWARE IS PROVIDED \"AS IS\", WITHOUT WARRANTY OF ANY KIND.",
        "Copyright (C) 2007 Free Software Foundation, Inc. <https://fsf.org/>",
        "numbers 0123456789 and 3.14159 and 1,000,000",
        "punctuation !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~",
        "café", "naïve", "crème brûlée", "Zürich", "São Paulo", "Ångström", "façade",
        "e\u0301 (e + combining acute)", "A\u030A", "ﬁ ligature ﬂ", "Ⅻ roman", "x² y³", "①②③",
        "Ｆｕｌｌ－ｗｉｄｔｈ", "ＡＢＣ１２３", "ｶﾀｶﾅ half-width", "　ideographic space　",
        "no\u00a0break\u00a0space", "zero\u200bwidth", "soft\u00adhyphen", "em—dash – en", "“quotes” ‘single’",
        "一只猫在花园里散步", "日本語のテキスト", "고양이", "Кошка гуляет", "Η γάτα", "مرحبا بالعالم", "שלום",
        "हिन्दी", "ไทย", "emoji 😀", "family 👩‍👩‍👧", "flags 🇫🇷🇯🇵", "heart ❤️", "thumbs 👍🏽",
        "math ∑∫√∞ ≠ ≤", "arrows ← → ↑ ↓", "currency € £ ¥ ₹", "µ micro Ω ohm", "℃ ℉ №",
        "[sep]", "a[sep]b", "[sep] [sep]", " [sep] ", "x [SEP] y",
        "\x01control\x02", "bell\x07", "del\x7f", "tab\tend\t", "\r\n windows \r\n",
        "low quality, blurry, static, overexposed, worst quality, jpeg artifacts",
        "A cat walks through a sunny garden, cinematic lighting, 4k.",
        "a" * 60, "ab" * 40, "▁ already escaped ▁▁", "under_score", "http://example.com/a?b=c&d=e",
        "𝐁𝐨𝐥𝐝 math letters", "𝔉𝔯𝔞𝔨𝔱𝔲𝔯", "ⓒⓘⓡⓒⓛⓔⓓ", "⅓ ½ ¼", "ﾊﾞ", "ｈｅｌｌｏ　ｗｏｒｌｄ",
    ]
    rng = random.Random(20261122)
    alphabet = (list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
                + list(" " * 10) + list("\t\n.,;:!?'\"()-")
                + list("éèêëàâäôöûüçñßÉÀ")
                + list("猫花园日本語テキスト고양이")
                + list("ＡＢＣ１２３　ｶﾀﾅ①²ﬁⅫ")
                + ["😀", "👍", "🇫", "\u0301", "\u00a0", "\u200b"])
    words = " ".join(training_sentences()[:400]).split()
    randoms = []
    while len(fixed) + len(randoms) < 210:
        if rng.random() < 0.5:
            s = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40)))
        else:
            s = " ".join(rng.choice(words) for _ in range(rng.randint(1, 12)))
            if rng.random() < 0.3:
                s = s.upper()
            if rng.random() < 0.3:
                s = "  " + s.replace(" ", rng.choice(["  ", "\t", " \n "]))
        randoms.append(s)
    return fixed + randoms


def train(**options):
    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(training_sentences()),
        model_writer=model,
        model_type="unigram",
        character_coverage=0.9995,
        pad_id=0, eos_id=1, unk_id=2, bos_id=-1,
        num_threads=1,
        minloglevel=2,
        **options,
    )
    return model.getvalue()


def write_cases(name, data):
    with open(os.path.join(TEST_DIR, name + ".model"), "wb") as f:
        f.write(data)
    sp = spm.SentencePieceProcessor(model_proto=data)
    cases = [{"text": s, "pieces": sp.encode(s, out_type=str), "ids": sp.encode(s)} for s in test_strings()]
    with open(os.path.join(TEST_DIR, name + "-cases.json"), "w", encoding="utf-8") as f:
        json.dump({"sentencepiece_version": spm.__version__, "vocab_size": sp.get_piece_size(),
                   "cases": cases}, f, ensure_ascii=False, indent=1)
    print(f"{name}: model {len(data)} bytes, vocab {sp.get_piece_size()}, {len(cases)} cases")


def main():
    os.makedirs(TEST_DIR, exist_ok=True)
    os.makedirs(MAIN_DIR, exist_ok=True)
    # The main test model (and the demo tokenizer): nmt_nfkc + byte fallback, like umt5-xxl's.
    data = train(vocab_size=1000, normalization_rule_name="nmt_nfkc", byte_fallback=True,
                 user_defined_symbols=["[sep]"])
    write_cases("test-unigram", data)
    with open(os.path.join(MAIN_DIR, "demo-spiece.model"), "wb") as f:
        f.write(data)
    # Variants for the other normaliser switches (identity rule: no charsmap, so small files).
    write_cases("test-unigram-identity-raw", train(
        vocab_size=500, normalization_rule_name="identity", add_dummy_prefix=False,
        remove_extra_whitespaces=False, byte_fallback=False))
    write_cases("test-unigram-identity-suffix", train(
        vocab_size=500, normalization_rule_name="identity", treat_whitespace_as_suffix=True,
        byte_fallback=True, split_digits=True))


if __name__ == "__main__":
    main()
