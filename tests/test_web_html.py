"""Web pages → article: the eight test pages against expectations written by reading them,
and the hostile inputs (charsets, mojibake, depth, entities, scripts, malformed markup)."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from workbench.errors import InputError
from workbench.pipeline import restore
from workbench.web import MAX_HTML_BYTES, extract_html
from workbench.web.blocks import page_blocks
from workbench.web.charset import declared_charset, decode_html
from workbench.web.parse import parse_html

PAGES = Path(__file__).parent / "data" / "web"
EXPECTED: list[dict[str, Any]] = tomllib.loads((PAGES / "pages.toml").read_text(encoding="utf-8"))["page"]


def kept_text(article: Any) -> str:
    return "\n".join(block.text for block in article.blocks)


@pytest.fixture(scope="module")
def extracted() -> dict[str, Any]:
    return {page["file"]: extract_html((PAGES / page["file"]).read_bytes(), page["file"]) for page in EXPECTED}


@pytest.mark.parametrize("page", EXPECTED, ids=[p["file"] for p in EXPECTED])
def test_page_metadata(page: dict[str, Any], extracted: dict[str, Any]) -> None:
    article = extracted[page["file"]]
    assert article.title == page["title"]
    assert article.blocks[0].kind == "title" and article.blocks[0].text == page["title"]
    assert article.encoding.replace("_", "-") == page["encoding"].replace("_", "-")
    assert (article.declared_language or "") == page["declared"]
    assert article.date == page["date"]
    for field, attribute in (("author", "author"), ("sitename", "site")):
        if field in page:
            assert getattr(article, attribute) == page[field]


@pytest.mark.parametrize("page", EXPECTED, ids=[p["file"] for p in EXPECTED])
def test_page_keeps_article_text(page: dict[str, Any], extracted: dict[str, Any]) -> None:
    text = kept_text(extracted[page["file"]])
    missing = [s for s in page["keep"] if s not in text]
    assert not missing


@pytest.mark.parametrize("page", EXPECTED, ids=[p["file"] for p in EXPECTED])
def test_page_drops_furniture_with_its_reason(page: dict[str, Any], extracted: dict[str, Any]) -> None:
    article = extracted[page["file"]]
    text = kept_text(article)
    for expected in page["drop"]:
        assert expected["text"] not in text, expected
        records = [d for d in article.removed if expected["text"] in d.text]
        assert records, f"{expected['text']!r} is gone without a record"
        if expected["reason"] != "*":
            assert records[0].reason == expected["reason"], (expected, records[0])
        assert records[0].rule


@pytest.mark.parametrize("page", EXPECTED, ids=[p["file"] for p in EXPECTED])
def test_every_visible_block_is_kept_or_recorded(page: dict[str, Any], extracted: dict[str, Any]) -> None:
    data = (PAGES / page["file"]).read_bytes()
    text, _ = decode_html(data, page["file"])
    positions = {b.position for b in page_blocks(parse_html(text, page["file"]))}
    article = extracted[page["file"]]
    kept = {b.line for b in article.blocks}
    dropped = [d.line for d in article.removed]
    assert len(dropped) == len(set(dropped))
    assert not kept & set(dropped)
    assert kept | set(dropped) == positions


def test_structure_survives(extracted: dict[str, Any]) -> None:
    blocks = extracted["fr-quotidien.html"].blocks
    kinds = {b.text: b.kind for b in blocks}
    assert kinds["Un calendrier jugé « intenable » par l’opposition"] == "heading"
    assert kinds["La messagerie des ministères devra migrer avant la fin de 2027."] == "item"
    assert kinds[
        "Nous ne pouvons plus confier nos données à des entreprises qui obéissent d’abord à une loi étrangère."
    ] == "quote"
    positions = [b.line for b in blocks[1:]]
    assert positions == sorted(positions)
    # A bold-only paragraph of an old CMS is a subheading.
    regional = {b.text: b.kind for b in extracted["fr-regional.html"].blocks}
    assert regional["Des logiciels choisis avec les enseignants"] == "heading"


def test_restore_puts_a_block_back_in_place(extracted: dict[str, Any]) -> None:
    article = extracted["fr-quotidien.html"]
    teaser = next(d for d in article.removed if "Cloud souverain" in d.text)
    restored = restore(article, teaser.line)
    texts = [b.text for b in restored.blocks]
    at = texts.index(teaser.text)
    assert texts[at - 1].startswith("Porté par la commission des lois")
    assert teaser not in restored.removed
    with pytest.raises(InputError, match="was not removed"):
        restore(restored, teaser.line)


# --- encodings -------------------------------------------------------------------------

ARTICLE = "<p>Le député a déclaré que l’État économiserait des millions d’euros grâce à ce choix.</p>"


def page(head: str, body: str = ARTICLE) -> str:
    return f"<html><head>{head}<title>Un titre</title></head><body><h1>Un titre</h1>{body}</body></html>"


@pytest.mark.parametrize(
    ("head", "encoding", "codec"),
    [
        ('<meta charset="windows-1251">', "cp1251", "cp1251"),
        ('<meta http-equiv="Content-Type" content="text/html; charset=KOI8-R">', "koi8_r", "koi8-r"),
        ("<meta charset=iso-8859-15>", "iso8859_15", "iso8859-15"),
        ('<meta charset="utf-8">', "utf-8", "utf-8"),
    ],
)
def test_declared_charsets(head: str, encoding: str, codec: str) -> None:
    text = page(head, "<p>Госорганы переходят на отечественное ПО, сообщили в министерстве.</p>")
    if codec == "iso8859-15":
        text = page(head, "<p>L'œuvre coûte 15 € : un choix économique, selon la mairie.</p>")
    article = extract_html(text.encode(encoding), "page.html")
    assert article.encoding.replace("_", "-") == codec
    body = text.split("<h1>Un titre</h1><p>")[1].split("</p>")[0]
    assert article.blocks[1].text == body


def test_transport_charset_wins_and_a_wrong_declaration_is_not_trusted() -> None:
    text = page('<meta charset="utf-8">', "<p>Минцифры утвердило план перехода на отечественные пакеты.</p>")
    data = text.encode("cp1251")  # declares UTF-8, is cp1251: the declaration cannot decode it
    article = extract_html(data, "page.html")
    assert "Минцифры утвердило план" in kept_text(article)
    article = extract_html(text.encode("koi8_r"), "page.html", charset="koi8-r")
    assert article.encoding == "koi8-r"
    assert "Минцифры утвердило план" in kept_text(article)


def test_utf8_with_a_few_broken_bytes_is_still_utf8() -> None:
    """As a browser reads it: each broken sequence one U+FFFD, every other letter right."""
    body = "<p>Kolejne organizacje sprzeciwiają się atakom na Fundację, pisze redakcja. " * 30 + "</p>"
    data = page('<meta charset="utf-8">', body).encode("utf-8").replace(b"redakcja", b"redakcj\xe1", 2)
    article = extract_html(data, "page.html")
    assert article.encoding == "utf-8"
    text = kept_text(article)
    assert "sprzeciwiają się atakom na Fundację" in text and text.count("\ufffd") == 2


def test_undeclared_legacy_encoding_is_detected() -> None:
    body = "<p>Федеральные ведомства должны полностью отказаться от иностранных офисных программ до конца года.</p>"
    article = extract_html(page("", body).encode("cp1251"), "page.html")
    assert article.encoding == "cp1251"
    assert "Федеральные ведомства должны" in kept_text(article)


def test_byte_order_mark_beats_the_meta() -> None:
    data = "\ufeff".encode() + page('<meta charset="iso-8859-1">').encode("utf-8")
    article = extract_html(data, "page.html")
    assert article.encoding == "utf-8-sig"
    assert "l’État économiserait" in kept_text(article)


def test_meta_charset_sniffing_reads_only_the_start() -> None:
    assert declared_charset(b'<meta charset="latin1">') == "cp1252"  # as browsers read it
    assert declared_charset(b" " * 9000 + b'<meta charset="koi8-r">') is None


def test_mojibake_is_repaired() -> None:
    body = "<p>Le ministre a dÃ©fendu lâ€™accÃ¨s aux donnÃ©es publiques devant les dÃ©putÃ©s.</p>"
    article = extract_html(page('<meta charset="utf-8">', body).encode("utf-8"), "page.html")
    assert "Le ministre a défendu l’accès aux données publiques devant les députés." in kept_text(article)
    assert "mojibake" in article.repairs


# --- hostile and broken input ------------------------------------------------------------


def test_markup_nested_50000_deep_keeps_its_sentence() -> None:
    depth = 50_000
    sentence = "Une phrase tout au fond de la page, que rien ne doit faire disparaître."
    data = ("<html><body>" + "<div>" * depth + f"<p>{sentence}</p>" + "</div>" * depth + "</body></html>").encode()
    article = extract_html(data, "deep.html")
    assert sentence in kept_text(article)


def test_entities_are_not_expanded_and_scripts_are_not_text(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET", encoding="utf-8")
    data = (
        f'<?xml version="1.0"?><!DOCTYPE html [<!ENTITY xxe SYSTEM "file://{secret}">]>'
        '<html><head><script>document.write("SCRIPTTEXT")</script><style>p{color:red}</style></head>'
        "<body><h1>Titre</h1><p>Avant &xxe; après, une phrase de test assez longue pour compter.</p>"
        '<script>var x = "INLINE SCRIPT";</script><noscript>Activez JavaScript</noscript>'
        '<img src="http://127.0.0.2/tracker.gif"><iframe src="http://example.invalid/"></iframe></body></html>'
    ).encode()
    article = extract_html(data, "xxe.html")
    everything = kept_text(article) + "\n".join(d.text for d in article.removed)
    assert "TOPSECRET" not in everything
    assert "SCRIPT" not in everything and "color:red" not in everything
    # <noscript> is shown by a browser without scripts, as we read pages: a prompt there is
    # recorded furniture, never article text
    assert "Activez JavaScript" not in kept_text(article)
    assert any(r.text == "Activez JavaScript" for r in article.removed)
    assert "ENTITY" not in everything and "]>" not in everything
    assert "une phrase de test assez longue" in kept_text(article)


def test_an_article_held_in_noscript_is_read() -> None:
    """Blogger builds the post from a script template and keeps it in <noscript> too."""
    post = "".join(f"<p>{n}. Le conseil municipal a voté la migration des postes vers des logiciels libres.</p>" for n in range(5))
    data = (
        f"<html><body><h1>Un titre</h1><div class='post-body'><script type='text/template'>{post}</script>"
        f"<noscript>{post}</noscript></div></body></html>"
    ).encode()
    text = kept_text(extract_html(data, "blog.html"))
    assert all(f"{n}. Le conseil municipal" in text for n in range(5))
    assert text.count("0. Le conseil") == 1


def test_malformed_html_keeps_its_text() -> None:
    data = (
        "<html><body><h1>Titre cassé<p>Un premier paragraphe <b>non <i>fermé qui continue "
        "<div>et se mélange</p></span><td>une cellule perdue<p>Un dernier paragraphe assez long "
        "pour compter comme du texte d'article de presse.</table>"
    ).encode()
    article = extract_html(data, "bad.html")
    everything = kept_text(article) + "\n".join(d.text for d in article.removed)
    for piece in ("Un premier paragraphe non fermé qui continue", "et se mélange", "Un dernier paragraphe"):
        assert piece in everything


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "page.html is empty."),
        (b"   \n", "page.html is empty."),
        (b"\x89PNG\r\n\x1a\n" + bytes(100), "page.html looks like a PNG image, not a text article."),
        (b"<html><head><title></title></head><body><script>x()</script></body></html>", "page.html has no visible text."),
    ],
)
def test_unusable_pages_fail_with_one_sentence(data: bytes, message: str) -> None:
    with pytest.raises(InputError) as info:
        extract_html(data, "page.html")
    assert str(info.value) == message


def test_oversized_page_is_refused() -> None:
    with pytest.raises(InputError, match=r"^big.html is 16.0 MB; Workbench reads web pages of up to 16 MB.$"):
        extract_html(b" " * (MAX_HTML_BYTES + 1), "big.html")


@pytest.mark.parametrize(
    ("head", "html_attr", "language"),
    [
        ("", ' lang="ru-RU"', "ru"),
        ('<meta property="og:locale" content="fr_FR">', "", "fr"),
        ('<meta http-equiv="content-language" content="en-GB, fr">', "", "en"),
        ("", "", None),
    ],
)
def test_declared_language(head: str, html_attr: str, language: str | None) -> None:
    data = f"<html{html_attr}><head>{head}</head><body><h1>Titre</h1>{ARTICLE}</body></html>".encode()
    assert extract_html(data, "page.html").declared_language == language


def test_fetch_date_bounds_the_publication_date() -> None:
    head = '<meta property="article:published_time" content="2026-05-01T10:00:00Z">'
    data = page(head).encode()
    assert extract_html(data, "page.html").date == "2026-05-01"
    # A capture made in January cannot hold a page published in May.
    assert extract_html(data, "page.html", fetched="2026-01-10T08:00:00Z").date != "2026-05-01"


def test_url_is_the_given_one_else_the_canonical() -> None:
    head = '<link rel="canonical" href="https://news.example/a/1.html">'
    data = page(head).encode()
    assert extract_html(data, "page.html").url == "https://news.example/a/1.html"
    assert extract_html(data, "page.html", url="https://news.example/a/1.html?utm=x").url.endswith("?utm=x")


# --- the web rules of data/cruft, line by line -----------------------------------------------


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("Par Marie Durand, publié le 2 mars 2026 à 8h00", "byline"),
        ("Sophie Garnier · Le 9 févr. 2026 à 7h00 · Mis à jour le 9 févr. 2026 à 9h14", "byline"),
        ("Par Jean-Pierre Martin et Léa Dubois", "byline"),
        ("(Rédaction de Toulouse, édité par Marc Lefèvre)", "byline"),
        ("Avec AFP", "byline"),
        ("Il vous reste 80 % de cet article à lire.", "paywall"),
        ("Cet article est réservé aux abonnés. Profitez de notre offre.", "paywall"),
        ("La suite est réservée à nos abonnés.", "paywall"),
        ("Vous avez repéré une erreur ? Signalez-la à la rédaction.", "feedback"),
        ("Cet article vous a-t-il été utile ?", "feedback"),
        ("Suivez-nous sur Instagram et TikTok", "subscribe"),
        ("Retrouvez toute l'actualité sur Google Actualités", "subscribe"),
        ("Photo DR", "credit"),
        ("Crédit photo Jean Dupont", "credit"),
        ("Автор: Ольга Кузнецова | Просмотров: 2 318", "byline"),
        ("Дмитрий Волков, 2 марта 2026, 09:00 · 5 мин", "byline"),
        ("Материал доступен только подписчикам. Оформите подписку.", "paywall"),
        ("Оформите подписку, чтобы продолжить чтение", "paywall"),
        ("Заметили ошибку? Выделите её и нажмите Ctrl+Enter", "feedback"),
        ("Следите за новостями в нашем Telegram-канале", "subscribe"),
        ("Читайте нас в Дзене", "subscribe"),
        ("Добавьте сайт в избранные источники", "subscribe"),
        ("Фото пресс-службы мэрии", "credit"),
        ("Похожие новости", "teaser"),
        ("Все права защищены. Перепечатка без согласия редакции запрещена.", "footer"),
        ("Have a tip? Amy Kuperinsky may be reached at akuperinsky@example.com.", "contact"),
        ("Email Tariq Malik at tmalik@example.com or follow him @tariqjmalik.", "contact"),
        ("Follow us on Twitter @Example and on Facebook.", "subscribe"),
        ("SEE MORE: Hong Kong protests: 800 students under siege in university", "teaser"),
        ("DON'T MISS", "teaser"),
        ("This slideshow requires JavaScript.", "teaser"),
        ("Follow The Example Times Opinion section on Facebook, Twitter and Instagram.", "subscribe"),
        ("Join our Space Forums to keep talking space on the latest missions!", "subscribe"),
        ("Also on example.com Journalists from the party threatened with arrest", "teaser"),
        ("Like this story? Share it with a friend!", "teaser"),
        ("[button link=\"https://example.com/review/\" type=\"big\"] Send us YOUR kit review[/button]", "widget"),
        ('[caption id="attachment_12" align="alignleft" width="300"]', "widget"),
    ],
)
def test_web_furniture_lines(line: str, reason: str) -> None:
    from workbench.clean import default_rules

    rule = default_rules().match(line)
    assert rule is not None and rule.reason == reason


@pytest.mark.parametrize(
    "line",
    [
        "Par ailleurs, le 3 mars 2026, le gouvernement a décidé de revoir sa copie.",
        "LA ROCHELLE, 3 mars 2026 (AFP) - Le maire a démissionné.",
        "L'abonnement coûtera désormais 12 euros par mois, a annoncé Netflix.",
        "Par 312 voix contre 187, les députés ont adopté le texte.",
        "Нижний Новгород, 2 марта 2026 года — В городе открыли новый мост.",
        "Автор законопроекта считает, что подписка на сервисы подорожает.",
        "Фотография стала символом протеста, пишут журналисты.",
        "Le photographe a été arrêté à Paris / Lyon selon les sources.",
        "He can be reached at the office on weekdays, his aide said.",
        "Click here, the minister said, was the wrong button to press.",
        "Apple announced the new model on Tuesday. [Engadget]",
        "See more of the country's coast, the tourism board urges.",
        "Follow-up talks will take place on Twitter Spaces next week.",
    ],
)
def test_web_rules_leave_prose_alone(line: str) -> None:
    from workbench.clean import default_rules

    assert default_rules().match(line) is None


def test_long_text_in_a_premium_box_is_article_text() -> None:
    """A subscriber's saved page: the second half sits in a "premium" box and is text."""
    sentence = "Le conseil municipal a voté la migration de tous les postes de la ville vers des logiciels libres. "
    free = "".join(f"<p>{n}. {sentence * 3}</p>" for n in range(3))
    premium = "".join(f"<p>{n}. {sentence * 4}</p>" for n in range(3, 6))
    body = (
        f"<article><h1>Un titre</h1><div class='article-body'>{free}"
        f"<div class='premium-content'>{premium}<p class='paywall-note'>Réservé aux abonnés</p></div></div></article>"
    )
    article = extract_html(page('<meta charset="utf-8">', body).encode(), "page.html")
    text = kept_text(article)
    for n in range(6):
        assert f"{n}. Le conseil municipal" in text
    assert "Réservé aux abonnés" not in text
    assert any(d.text == "Réservé aux abonnés" and d.reason == "paywall" for d in article.removed)


def test_br_separated_paragraphs_are_blocks() -> None:
    body = (
        "<div class='text'>Premier paragraphe, assez long pour être du texte d'article.<br><br>"
        "Lire aussi : un autre article<br>Second paragraphe, lui aussi assez long pour compter.</div>"
        "<p>Une ligne<br>et sa suite dans le même paragraphe, qui reste un seul bloc de texte.</p>"
    )
    article = extract_html(page('<meta charset="utf-8">', body).encode(), "page.html")
    texts = [b.text for b in article.blocks]
    assert "Premier paragraphe, assez long pour être du texte d'article." in texts
    assert "Second paragraphe, lui aussi assez long pour compter." in texts
    assert "Une ligne et sa suite dans le même paragraphe, qui reste un seul bloc de texte." in texts
    assert [d.reason for d in article.removed if d.text == "Lire aussi : un autre article"] == ["teaser"]


# --- the package's layout and its data ----------------------------------------------------


def test_every_web_module_is_part_of_the_prepared_key() -> None:
    """A stage module left out of prepare.STAGES would change articles without re-preparing them."""
    from workbench.prepare import STAGES

    modules = {f"web/{p.stem}" for p in (Path(__file__).parents[1] / "workbench" / "web").glob("*.py")}
    assert modules - {"web/__init__"} <= set(STAGES)


def test_furniture_vocabulary_is_data_and_bad_data_is_one_sentence() -> None:
    from workbench.errors import WorkbenchError
    from workbench.web.furniture import parse_vocabulary, vocabulary

    words = vocabulary()
    assert words.tags["nav"] == "navigation" and words.roles["contentinfo"] == "footer"
    assert [reason for reason, _ in words.classes][:3] == ["cookie", "comments", "navigation"]
    custom = parse_vocabulary('[[class]]\nreason = "ad"\nnames = ["ad", "pub"]\n', "custom.toml")
    assert custom.classes[0][1].fullmatch("pub") and not custom.classes[0][1].fullmatch("public")
    with pytest.raises(WorkbenchError, match=r"^custom.toml class 1: bad name pattern"):
        parse_vocabulary('[[class]]\nreason = "ad"\nnames = ["(ad"]\n', "custom.toml")
    with pytest.raises(WorkbenchError, match=r"^custom.toml: not valid TOML"):
        parse_vocabulary("[[class]\n", "custom.toml")


# --- article text trafilatura drops, furniture it keeps ------------------------------------

LONG = "Le conseil municipal a voté mardi la migration de tous les postes de la ville vers des logiciels libres, un chantier de trois ans. "


def test_a_results_table_is_kept_row_by_row() -> None:
    """A data table is article text: each row one block, its cells apart, none dropped as a counter."""
    rows = "".join(f"<tr><td>{n}</td><td>Équipe {n}</td><td>{100 - n}</td><td></td></tr>" for n in range(1, 9))
    body = (
        f"<article><h1>Un titre</h1><p>{LONG * 2}</p>"
        f"<table><tr><th>Pos.</th><th>Équipe</th><th>Points</th><th>Bonus</th></tr>{rows}</table>"
        f"<p>{LONG}</p></article>"
    )
    article = extract_html(page('<meta charset="utf-8">', body).encode(), "page.html")
    texts = [b.text for b in article.blocks]
    assert "Pos. | Équipe | Points | Bonus" in texts
    assert "3 | Équipe 3 | 97 |" in texts
    assert all(b.kind == "item" for b in article.blocks if " | " in b.text)
    assert [r.text for r in article.removed] == ["Un titre"]  # the headline, twice on the page
    # A layout table's cells hold blocks of their own and stay apart.
    layout = f"<table><tr><td><p>{LONG}</p><p>{LONG * 2}</p></td><td><p>Publicité</p></td></tr></table>"
    article = extract_html(page('<meta charset="utf-8">', f"<h1>Un titre</h1>{layout}").encode(), "page.html")
    assert not any(" | " in b.text for b in article.blocks)


def test_a_theme_class_on_body_is_not_furniture() -> None:
    """<body class="navigation-thin has-sidebar"> names the theme; the article inside is not navigation."""
    paragraphs = "".join(f"<p>{n}. {LONG * 2}</p>" for n in range(6))
    data = (
        "<html><head><title>Un titre</title></head><body class='navigation-border-thin has-sidebar'>"
        f"<article><h1>Un titre</h1>{paragraphs}</article><nav><a href='/'>Accueil</a></nav>"
        "<div><p>Une ligne hors de l'article</p></div></body></html>"
    ).encode()
    article = extract_html(data, "page.html")
    reasons = {r.text: r.reason for r in article.removed}
    assert reasons["Accueil"] == "navigation"
    assert reasons["Une ligne hors de l'article"] == "outside-main"


def test_paragraphs_of_the_article_trafilatura_leaves_out_come_back() -> None:
    """The article's later chunks, past an inline figure and a newsletter box, are its text."""
    first = "".join(f"<p>{n}. {LONG * 2}</p>" for n in range(4))
    later = "".join(f"<p>Suite {n}. {LONG}</p>" for n in range(3))
    body = (
        f"<article><h1>Un titre</h1><div class='chunk'>{first}</div>"
        "<figure><img src='x.jpg'><figcaption>Le maire, mardi.</figcaption></figure>"
        "<div class='newsletter-box'><p>Recevez notre lettre chaque matin, inscrivez-vous dès aujourd'hui "
        "pour ne rien manquer de l'actualité de votre ville et de votre région.</p></div>"
        f"<div class='chunk'>{later}</div></article>"
    )
    article = extract_html(page('<meta charset="utf-8">', body).encode(), "page.html")
    text = kept_text(article)
    for n in range(3):
        assert f"Suite {n}. Le conseil" in text
    assert "Recevez notre lettre" not in text and "Le maire, mardi." not in text
    # trafilatura keeping only the first chunk, as it does on some templates
    from workbench.web.extract import _recover_prose
    from workbench.web.furniture import PageFurniture
    from workbench.web.main_text import main_container

    blocks = page_blocks(parse_html(page("", body), "page.html"))
    kept = {b.position for b in blocks if b.text[:1].isdigit()}
    container = main_container([b for b in blocks if b.position in kept])
    recovered = {b.text[:7] for b in blocks if b.position in _recover_prose(PageFurniture(), blocks, kept, container)}
    assert recovered == {"Suite 0", "Suite 1", "Suite 2"}


def test_a_list_of_links_inside_the_article_is_related_not_text() -> None:
    links = "".join(f"<p><a href='/a/{n}'>Un autre article numéro {n} sur la ville</a></p>" for n in range(4))
    body = (
        f"<article><h1>Un titre</h1><p>{LONG * 2}</p><p>Plus :</p>{links}<p>{LONG * 2}</p>"
        "<p>Selon <a href='/rapport'>le rapport publié mardi</a>, la ville économisera deux millions d'euros.</p></article>"
    )
    article = extract_html(page('<meta charset="utf-8">', body).encode(), "page.html")
    text = kept_text(article)
    assert "Un autre article" not in text
    assert {r.reason for r in article.removed if "Un autre article" in r.text} == {"related"}
    assert "Selon le rapport publié mardi, la ville économisera" in text  # one link in a sentence is text


def test_hidden_microdata_copies_are_dropped_and_restorable() -> None:
    """A template's hidden schema.org block repeats the headline, the date and the whole body;
    hidden text that is not microdata (a tab, an accordion) is shown by a click and stays."""
    body = (
        f"<article><h1>Un titre</h1><p>{LONG * 2}</p><p>Deuxième paragraphe. {LONG * 2}</p>"
        f"<div class='tab' style='display: none'><p>Dans l'onglet. {LONG * 2}</p></div></article>"
        "<div style='display:none;' itemscope itemtype='http://schema.org/NewsArticle'>"
        "<div itemprop='headline'>Un titre repris pour les moteurs</div>"
        "<div itemprop='datePublished'>2019-11-19T08:57:40+01:00</div>"
        f"<div itemprop='articleBody'><p>Copie cachée. {LONG * 2}</p></div></div>"
    )
    html = page('<meta charset="utf-8">', body)
    article = extract_html(html.encode(), "page.html")
    text = kept_text(article)
    assert "Copie cachée" not in text and "2019-11-19T08:57:40" not in text
    assert "Deuxième paragraphe" in text
    copy = next(r for r in article.removed if r.text.startswith("Copie cachée"))
    assert copy.reason == "hidden"
    assert any(b.text.startswith("Copie cachée") for b in restore(article, copy.line).blocks)

    from workbench.web.extract import _hidden_microdata

    blocks = page_blocks(parse_html(html, "page.html"))
    hidden = {b.text[:13] for b in blocks if b.position in _hidden_microdata(blocks, {b.position for b in blocks})}
    assert hidden == {"Un titre repr", "2019-11-19T08", "Copie cachée."}


@pytest.mark.parametrize("name", ["latest-news-box", "latest_posts", "widget-latest"])
def test_a_box_of_the_latest_stories_is_related(name: str) -> None:
    from lxml import html as lxml_html

    from workbench.web.furniture import element_reason

    assert (element_reason(lxml_html.fromstring(f"<div class='{name}'><p>x</p></div>")) or ("",))[0] == "related"
    stories = "".join(f"<li><h3><a href='/n/{n}'>Une autre histoire du jour numéro {n}</a></h3><h4>Son sous-titre</h4></li>" for n in range(4))
    body = f"<article><h1>Un titre</h1><p>{LONG * 2}</p><p>{LONG * 2}</p><div class='{name}'><ul>{stories}</ul></div></article>"
    article = extract_html(page('<meta charset="utf-8">', body).encode(), "page.html")
    assert "Une autre histoire" not in kept_text(article) and "Son sous-titre" not in kept_text(article)


def test_a_link_in_capitals_between_paragraphs_is_a_teaser() -> None:
    body = (
        f"<article><h1>Un titre</h1><p>{LONG * 2}</p>"
        "<p><strong><a href='/autre'>'DANCING WITH THE STARS' PRO OPENS UP ABOUT HER HEALTH</a></strong></p>"
        f"<p>{LONG * 2}</p><p>La <a href='/cgt'>CGT</a> et FO ont appelé à la grève, a dit le maire à la presse.</p>"
        "<p>LE MAIRE A DÉMISSIONNÉ MARDI</p></article>"
    )
    article = extract_html(page('<meta charset="utf-8">', body).encode(), "page.html")
    text = kept_text(article)
    assert "DANCING WITH THE STARS" not in text
    assert {r.reason for r in article.removed if "DANCING" in r.text} == {"related"}
    assert "La CGT et FO ont appelé" in text and "LE MAIRE A DÉMISSIONNÉ MARDI" in text  # capitals without a link stay


def test_a_long_block_kept_in_pieces_is_kept() -> None:
    """trafilatura split the page's one long block at its subheadings and left a line inside
    it out: most of it is there, in order, right after what came before, so it is kept; the
    same text far past what came before, or only a fifth of it, is not."""
    from lxml import html as lxml_html

    from workbench.web.align import WINDOW, kept_positions, key
    from workbench.web.blocks import PageBlock

    sentences = [f"Phrase numéro {n} du long article sur la méditation et le cerveau humain. " for n in range(40)]
    element = lxml_html.fromstring("<div>x</div>")
    block = PageBlock(1, element, "".join(sentences), "text")
    pieces = ["".join(sentences[:10]), "".join(sentences[10:20]), "".join(sentences[24:])]  # 20-23 left out
    extracted = "\x00" + "\x00".join(key(p) for p in pieces) + "\x00"
    assert kept_positions([block], extracted) == {1}
    assert kept_positions([block], "\x00" + "x" * (WINDOW + 10) + extracted) == set()
    assert kept_positions([block], "\x00" + key("".join(sentences[:8])) + "\x00") == set()


def test_a_standfirst_is_recovered_near_the_headline_and_product_cards_are_not() -> None:
    """A block named like a standfirst ("desc", "chapo") is the article's only under its
    headline or just before its text; fifty blocks further up it is a product card's."""
    from workbench.web.extract import _recover_gaps
    from workbench.web.furniture import PageFurniture
    from workbench.web.main_text import main_container

    cards = "".join(
        f"<div class='card'><div class='product-desc'>Aspirateur robot numéro {n} avec station de vidange, "
        "navigation laser et serpillière vibrante.</div></div>"
        for n in range(50)
    )
    menu = "<ul>" + "".join(f"<li><a href='/r/{n}'>Rubrique {n}</a></li>" for n in range(40)) + "</ul>"
    body = (
        f"{cards}{menu}<h1>Un titre</h1><div class='chapo'>Le conseil municipal a tranché mardi soir : la ville passe "
        f"au logiciel libre.</div><article><p>{LONG * 2}</p><p>{LONG * 2}</p></article>"
    )
    blocks = page_blocks(parse_html(page("", body), "page.html"))
    kept = {b.position for b in blocks if b.text.startswith("Le conseil municipal a voté")}
    container = main_container([b for b in blocks if b.position in kept])
    recovered = [b.text[:24] for b in blocks if b.position in _recover_gaps(PageFurniture(), blocks, kept, container)]
    assert recovered == ["Le conseil municipal a t"]
