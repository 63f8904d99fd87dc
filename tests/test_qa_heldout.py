"""QA on a held-out set: seed sentences translated by hand, right ones and ones with one error.

The English was written for this test by a person reading the French and Russian, not taken
from the program: a right, glossary-conforming translation must give no finding at all, and
a translation with one real error must give exactly the finding for that error.
"""

from __future__ import annotations

import pytest
from conftest import ROOT

from workbench.glossary.entries import load_folder
from workbench.qa import Context, Finding, check_segment
from workbench.qa.spelling import load_words, words_path


@pytest.fixture(scope="module")
def context() -> Context:
    glossaries = ROOT / "glossaries"
    return Context(load_folder(glossaries), load_words(words_path(glossaries)))


GOOD = [
    (
        "fr",
        "Le Kremlin a commenté les informations selon lesquelles la société Zoom Video Communications a "
        "interdit à ses distributeurs de vendre l'accès à ses services de téléconférence aux sociétés et "
        "structures d’État russes.",
        "The Kremlin commented on reports that Zoom Video Communications had barred its distributors from "
        "selling access to its teleconferencing services to Russian state companies and bodies.",
    ),
    (
        "fr",
        "Quant à Vladimir Poutine et aux membres de l'administration du Kremlin, ils n’utilisent pas Zoom dans "
        "leur activité, à quelques exceptions près, a précisé Dmitri Peskov.",
        "As for Vladimir Putin and the members of the Kremlin administration, they do not use Zoom in their "
        "work, with a few exceptions, Dmitry Peskov said.",
    ),
    (
        "fr",
        "Dmitri Peskov a constaté que les restrictions imposées par Zoom n’étaient pas un drame.",
        "Dmitry Peskov noted that the restrictions imposed by Zoom were not a tragedy.",
    ),
    (
        "fr",
        "Selon des informations parues mardi, la société américaine Zoom Video Communications, qui fournit des "
        "services de visioconférence, a interdit à ses distributeurs de vendre l'accès à son service aux "
        "structures d’État de Russie et des pays de la CEI.",
        "According to reports published on Tuesday, the American company Zoom Video Communications, which "
        "provides videoconferencing services, has barred its distributors from selling access to its service "
        "to state bodies in Russia and the CIS countries.",
    ),
    (
        "fr",
        "Le sénateur Alexandre Bachkine, membre de la commission de législation constitutionnelle du Conseil "
        "de la Fédération (chambre haute du Parlement russe), avait précédemment déclaré à Sputnik que si cette "
        "interdiction était définitivement adoptée, il se pourrait que Zoom soit bloqué sur le territoire russe.",
        "Senator Alexander Bashkin, a member of the constitutional legislation committee of the Federation "
        "Council (the upper house of the Russian parliament), had earlier told Sputnik that if the ban were "
        "finally adopted, Zoom might be blocked on Russian territory.",
    ),
    (
        "fr",
        "Le Kremlin a critiqué mercredi le logiciel de visio-conférences américain Zoom, accusé de vouloir "
        "limiter l’accès au secteur public russe, et a appelé au développement de solutions alternatives russes.",
        "The Kremlin on Wednesday criticised the American videoconferencing software Zoom, accused of seeking "
        "to limit access for the Russian public sector, and called for Russian alternatives to be developed.",
    ),
    (
        "fr",
        "Le ministre russe de l’Education, Sergueï Kravtsov, a déclaré que la Russie s’était récemment dotée du "
        "logiciel Sphérum: «Nous sommes donc prêts pour toute situation (…) le système éducatif ne dépend "
        "d’aucun logiciel en particulier», a-t-il affirmé, cité par l’agence TASS.",
        "Russian Education Minister Sergei Kravtsov said that Russia had recently acquired the Sferum "
        "software: “So we are ready for any situation (…) the education system does not depend on any "
        "particular software,” he said, quoted by the TASS agency.",
    ),
    (
        "fr",
        "L’authenticité du document a été confirmée au journal par Andreï Petrenko, patron de ce distributeur, "
        "RightConf, tout en précisant que les contrats existants se poursuivraient et que la mesure "
        "s’appliquait aux pays de la CEI, regroupant la plupart des ex-républiques soviétiques.",
        "The authenticity of the document was confirmed to the newspaper by Andrei Petrenko, head of the "
        "distributor, RightConf, who added that existing contracts would continue and that the measure applied "
        "to the CIS countries, which include most of the former Soviet republics.",
    ),
    (
        "fr",
        "Lors d’une réunion avec des étudiants et des enseignants à l’Institut d’État des relations "
        "internationales de Moscou lundi, Lavrov a suggéré que Durov était persécuté parce qu’il « s’est avéré "
        "trop libre. »",
        "At a meeting with students and teachers at the Moscow State Institute of International Relations on "
        "Monday, Lavrov suggested that Durov was being persecuted because he “turned out to be too free.”",
    ),
    (
        "fr",
        "Le porte-parole du Kremlin, Dmitri Peskov, a déclaré ce week-end que Moscou avait également eu des "
        "problèmes avec le PDG de Telegram dans le passé, mais – contrairement à Paris – n’a jamais tenté de "
        "l’arrêter.",
        "Kremlin spokesman Dmitry Peskov said this weekend that Moscow had also had problems with the Telegram "
        "CEO in the past but, unlike Paris, had never tried to arrest him.",
    ),
    (
        "fr",
        "L’entrepreneur technologique russe, qui possède également la nationalité française, émirienne et de "
        "Saint-Kitts-et-Nevis, a été libéré la semaine dernière contre une caution de 5 millions d’euros "
        "(5,55 millions de dollars).",
        "The Russian tech entrepreneur, who also holds French, Emirati and Saint Kitts and Nevis citizenship, "
        "was released last week on bail of 5 million euros ($5.55 million).",
    ),
    (
        "fr",
        "De plus, nous nous coordonnons étroitement et travaillons en étroite collaboration avec les "
        "gouvernements des États-Unis, de l'Union européenne et du Royaume-Uni, et nous arrêtons de nombreux "
        "aspects de nos activités en Russie conformément aux décisions de sanctions gouvernementales.",
        "In addition, we are coordinating closely and working in close collaboration with the governments of "
        "the United States, the European Union and Britain, and we are halting many aspects of our business in "
        "Russia in line with government sanctions decisions.",
    ),
    (
        "fr",
        'Dans son communiqué, Microsoft - à travers la voix de son président Brad Smith - explique "suspendre '
        'toutes les nouvelles ventes de produits et services Microsoft en Russie".',
        'In its statement, Microsoft, through its president Brad Smith, says it is "suspending all new sales '
        'of Microsoft products and services in Russia".',
    ),
    (
        "fr",
        "Sputnik Afrique, 1920, 07.04.2021",
        "Sputnik Africa, 1920, April 7, 2021",
    ),
    (
        "ru",
        "Во Франции внедряют для госслужащих суверенный сервис видеоконференций Visio.",
        "France is introducing Visio, a sovereign videoconferencing service, for its civil servants.",
    ),
    (
        "ru",
        "Он должен к концу 2027 г. году полностью заменить американские аналоги, пишет ТАСС.",
        "By the end of 2027 it is to replace its American counterparts entirely, TASS reports.",
    ),
    (
        "ru",
        "Его протестировали около 40 тыс. пользователей.",
        "About 40,000 users have tested it.",
    ),
    (  # a place rendered by its adjective, as the glossary entry allows
        "ru",
        "Госорганы Франции отказываются от Zoom и Teams: «Мы должны избавиться от американских инструментов»",
        "French government agencies are abandoning Zoom and Teams: “We must get rid of American tools”",
    ),
    (
        "ru",
        "В марте 2025 г. CNews писал о том, что вследствие геополитической напряженности и ухудшения отношений "
        "с США власти Евросоюза прорабатывают концепцию полного отказа от ОС Windows американской корпорации "
        "Microsoft.",
        "In March 2025, CNews reported that because of geopolitical tension and worsening relations with the "
        "United States, the European Union's authorities were working on a plan to drop the Windows operating "
        "system of the American corporation Microsoft altogether.",
    ),
    (
        "ru",
        "Амьель, видимо, считает, что кризисные времена наступили, так он сообщил также о том, что 10 тыс. "
        "госслужащих уже протестировали алгоритм на основе искусственного интеллекта от французской компании "
        "Mistral AI, и напомнил о проектах по созданию на территории Евросоюза хранилищ для чувствительных "
        "данных и собственных облачных сервисов.",
        "Amiel apparently believes that times of crisis have come: he also said that 10,000 civil servants had "
        "already tested an algorithm based on artificial intelligence from the French company Mistral AI, and "
        "recalled plans to build storage for sensitive data and the European Union's own cloud services on its "
        "territory.",
    ),
    (
        "ru",
        "Амьель заявил об опасности зависимости от таких американских программ как Teams или Zoom, которую "
        "нужно победить «на уровне государства», чтобы обеспечить безопасность переговоров «в любых "
        "обстоятельствах».",
        "Amiel spoke of the danger of depending on American programs such as Teams or Zoom, a dependence that "
        "must be defeated “at the level of the state” to keep conversations secure “in all circumstances”.",
    ),
    (
        "ru",
        "В июле 2024 г. Microsoft признала во французском суде, что не может гарантировать суверенитет данных в "
        "соответствии с этим законодательством.",
        "In July 2024, Microsoft admitted in a French court that it could not guarantee data sovereignty under "
        "this legislation.",
    ),
    (  # a surname-only mention, inflected, rendered by the surname only
        "ru",
        "Песков в среду заявил, что в Кремле не пользуются Zoom, а Пескова об этом не спрашивали.",
        "Peskov said on Wednesday that the Kremlin does not use Zoom, and that Peskov was not asked about it.",
    ),
]

# One paragraph of the seeds whose quotation opens in its first sentence and closes in its last.
PARAGRAPH = [
    (
        "«Il faut passer aux alternatives, elles existent […].",
        "“We have to move to alternatives, they exist […].",
    ),
    (
        "Les utilisateurs notent que nous avons de nombreux services similaires, mais la stabilité de leur "
        "fonctionnement laisse à désirer, il faut les peaufiner.",
        "Users note that we have many similar services, but their stability leaves something to be desired; "
        "they need polishing.",
    ),
    (
        "Mais cela ne signifie pas que c'est quelque chose d'impossible», a-t-il poursuivi.",
        "But that does not mean it is something impossible,” he went on.",
    ),
]


def qa(context: Context, language: str, source: str, target: str, **kwargs: object) -> list[Finding]:
    return check_segment(context, source, target, source_language=language, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(("language", "source", "target"), GOOD, ids=range(len(GOOD)))
def test_right_translations_of_the_seeds_give_no_finding(
    context: Context, language: str, source: str, target: str
) -> None:
    assert qa(context, language, source, target) == []


def test_a_quotation_spanning_the_sentences_of_a_paragraph_is_no_error(context: Context) -> None:
    for i, (source, target) in enumerate(PARAGRAPH):
        found = qa(context, "fr", source, target, before=PARAGRAPH[:i], after=PARAGRAPH[i + 1 :])
        assert found == [], (i, found)


def test_a_quotation_the_paragraph_never_closes_is_found(context: Context) -> None:
    """The last sentence's closing quote lost: that sentence is reported, the first (which opens
    the quotation as its source does) is not."""
    paragraph = [
        *PARAGRAPH[:2],
        (PARAGRAPH[2][0], "But that does not mean it is something impossible, he went on."),
    ]
    assert qa(context, "fr", *paragraph[0], after=paragraph[1:]) == []
    [finding] = qa(context, "fr", *paragraph[2], before=paragraph[:2])
    assert finding.check == "quotes" and "does not close" in finding.message


BAD = [
    # (language, source, target, check, what the message must say, the text the span must cover)
    (
        "fr",
        "Microsoft a investi 1,5 milliard de dollars dans ses centres de données.",
        "Microsoft has invested $1.5 million in its data centres.",
        "numbers",
        "scale",
        "1.5 million",
    ),
    (
        "fr",
        GOOD[10][1],
        GOOD[10][2].replace("5 million euros", "5 billion euros"),
        "numbers",
        "scale",
        "5 billion",
    ),
    ("ru", GOOD[16][1], "About 4,000 users have tested it.", "numbers", "40 тыс", "4,000"),
    (
        "ru",
        GOOD[15][1],
        GOOD[15][2].replace("2027", "2028"),
        "numbers",
        "2027",
        "2028",
    ),
    ("fr", GOOD[5][1], GOOD[5][2].replace("Wednesday", "Thursday"), "dates", "Wednesday", "Thursday"),
    ("ru", GOOD[18][1], GOOD[18][2].replace("In March", "In May"), "dates", "March", "May"),
    ("ru", GOOD[21][1], GOOD[21][2].replace("In July", "In June"), "dates", "July", "June"),
    ("fr", GOOD[2][1], GOOD[2][2].replace("tragedy", "tradegy"), "spelling", "tradegy", "tradegy"),
    ("fr", GOOD[3][1], GOOD[3][2].replace("countries", "contries"), "spelling", "countries", "contries"),
    ("fr", GOOD[2][1], GOOD[2][2].replace("Dmitry", "Dmitri"), "glossary", "Dmitry Peskov", "Dmitri Peskov"),
    ("fr", GOOD[6][1], GOOD[6][2].replace("software,” he", "software, he"), "quotes", "quotation", "“"),
    ("fr", GOOD[4][1], GOOD[4][2].replace("parliament)", "parliament"), "brackets", "bracket (", "("),
]


@pytest.mark.parametrize(
    ("language", "source", "target", "check", "says", "span"),
    BAD,
    ids=[f"{b[3]}-{i}" for i, b in enumerate(BAD)],
)
def test_one_real_error_gives_exactly_its_finding(
    context: Context, language: str, source: str, target: str, check: str, says: str, span: str
) -> None:
    [finding] = qa(context, language, source, target)
    assert finding.check == check
    assert says in finding.message or says in finding.key, finding
    assert target[finding.start : finding.end] == span


def test_a_misspelling_comes_with_suggestions(context: Context) -> None:
    [finding] = qa(context, "fr", GOOD[2][1], GOOD[2][2].replace("tragedy", "tradegy"))
    assert finding.suggestions[0] == "tragedy" and finding.key == "tradegy"


COPIED = "Dans ce contexte, il a constaté que le système pouvait être remplacé."


@pytest.mark.parametrize(
    ("status", "target", "check"),
    [("new", "", "untranslated"), ("reviewed", "  ", "empty"), ("machine", COPIED, "identical")],
)
def test_empty_untranslated_and_copied_targets(
    context: Context, status: str, target: str, check: str
) -> None:
    assert [f.check for f in qa(context, "fr", COPIED, target, status=status)] == [check]
