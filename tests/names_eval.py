"""The evaluation set for spelling variants of names: short texts written for Folio (none
copied from articles) that use real variants of real names, decoys that look close but are
other names or words, and queries with the texts each should find.

Used by tests/test_names_eval.py (the figures must stay at or above the goal) and by
bench/bench_names.py (which prints them, with the ablation of each rule).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

# label → text. The label's letter is the name the text is about; D is a decoy.
TEXTS: dict[str, str] = {
    "G1": "Muammar Gaddafi ruled Libya for four decades before the uprising.",
    "G2": "The State Department file on Qaddafi dwelt on his tent diplomacy.",
    "G3": "French papers wrote Kadhafi when the colonel came to Paris.",
    "G4": "Gadhafi and his sons were tried in absentia by the new courts.",
    "G5": "A cable from Tripoli mentions Qadhafi and the Lockerbie settlement.",
    "G6": "Российские газеты писали о визите Каддафи в Москву.",
    "G7": "خطاب القذافي في الأمم المتحدة استمر ساعة ونصف.",
    "S1": "Qasem Soleimani commanded the Quds Force for two decades.",
    "S2": "Wire copy at the time spelled the general's name Suleimani.",
    "S3": "A long profile of Soleymani ran in a Persian-language weekly.",
    "S4": "The strike that killed Sulaimani was debated for weeks.",
    "S5": "Иранский генерал Сулеймани погиб в Багдаде.",
    "Z1": "Ayman al-Zawahiri took over the network after its founder died.",
    "Z2": "A video from al-Zawahri surfaced months after his reported death.",
    "Z3": "Zawahiri trained as a surgeon in Cairo before turning to militancy.",
    "Z4": "Some wire reports render the name as Zawahry.",
    "Z5": "Айман аз-Завахири был убит в Кабуле.",
    "Z6": "الظواهري قتل في كابول.",
    "P1": "Yevgeny Prigozhin led the mutiny of his mercenaries in June.",
    "P2": "Die Zeitung schrieb über Prigoschin und seine Söldner.",
    "P3": "Le quotidien a consacré un long portrait à Prigojine.",
    "P4": "Пригожин погиб в авиакатастрофе в августе.",
    "M1": "Ahmad Shah Masood was killed two days before the attacks on New York.",
    "M2": "His son Ahmad Massoud leads the resistance from abroad.",
    "M3": "Older histories spell the commander Masud.",
    "M4": "The transliteration Masʿūd follows the scholarly convention.",
    "M5": "Ахмад Масуд возглавил сопротивление в долине.",
    "M6": "Masoud is the spelling Iranian outlets prefer.",
    "K1": "The Islamic State's Khorasan branch claimed the bombing.",
    "K2": "One translation gives the province as Wilayat Khorsan.",
    "K3": "Medieval Khurasan stretched from Nishapur to Balkh.",
    "K4": "خراسان منطقة تاريخية واسعة.",
    "K5": "В провинции Хорасан действует группировка.",
    "H1": "Hezbollah fired rockets across the border overnight.",
    "H2": "The report uses Hizballah, the spelling the US government prefers.",
    "H3": "Hizbullah is the spelling of older academic work.",
    "H4": "Хезболла заявила о своей непричастности.",
    "Q1": "Al-Qaeda in the Arabian Peninsula published an English magazine.",
    "Q2": "The al-Qaida core lost most of its leaders within a decade.",
    "Q3": "Scholars who write al-Qa'ida follow the Library of Congress system.",
    "Q4": "Аль-Каида взяла на себя ответственность.",
    "U1": "Saddam Hussein was captured near Tikrit.",
    "U2": "The shrine of Imam Husayn draws millions of pilgrims.",
    "U3": "Hossein is among the most common given names in Iran.",
    "U4": "Husain appears in the older British records.",
    "W1": "Muhammad Iqbal wrote in Urdu and Persian.",
    "W2": "Mohammed bin Salman received the delegation.",
    "W3": "Mohamed Morsi was elected two years later.",
    "W4": "Mohammad Khatami served two terms.",
    "L1": "Osama bin Laden was killed in Abbottabad.",
    "L2": "Usama bin Ladin is the spelling on the old wanted poster.",
    "T1": "The Taliban returned to Kabul in August.",
    "T2": "British papers once wrote Taleban.",
    "A1": "Abdul Rahman Wardak served as defence minister.",
    "A2": "Abdurrahman Wahid was president of Indonesia.",
    "A3": "The emir Abd al-Rahman began the great mosque of Cordoba.",
    "A4": "Abdelrahman is the Egyptian spelling of the name.",
    "I1": "ISIS-K claimed the airport bombing.",
    "I2": "Some databases file the group under ISISK.",
    "I3": "The group, ISIS K in a few transcripts, recruits locally.",
    "O1": "Sergei Shoigu inspected the troops.",
    "O2": "Verteidigungsminister Schoigu reiste nach Minsk.",
    "O3": "Шойгу провёл совещание.",
    "E1": "Ayatollah Khamenei addressed the nation.",
    "E2": "Some transliterations give Khamene'i.",
    "E3": "Хаменеи выступил с речью.",
    "Y1": "Yusuf Islam recorded a new album.",
    "Y2": "Jusuf is how Bosnian papers write the name.",
    "N1": "Uthman was the third caliph.",
    "N2": "Othman is the older English spelling.",
    "N3": "Osman gave his name to a dynasty.",
    "F1": "Mustafa Kemal abolished the sultanate.",
    "F2": "Moustapha Akkad directed historical films.",
    "C1": "Kandahar airfield was a large base.",
    "C2": "Victorian maps wrote Candahar.",
    "X1": "Alexander Dugin wrote the manifesto.",
    "X2": "Aleksandr Dugin is quoted in the review.",
    "D1": "Mossad operatives were blamed for the sabotage.",
    "D2": "Masonic lodges kept careful membership lists.",
    "D3": "Mused the author: the idea was hardly new.",
    "D4": "Masada overlooks the Dead Sea.",
    "D5": "Ali Khorasani led the branch until his arrest.",
    "D6": "Omar Suleiman headed Egyptian intelligence.",
    "D7": "Sulaymaniyah is a city in the Kurdistan Region.",
    "D8": "Salman Rushdie wrote about the fatwa for years.",
    "D9": "Ilya Prigogine won the Nobel Prize in chemistry.",
    "D10": "Hassan Rouhani was president of Iran.",
    "D11": "Gaza has been under blockade for years.",
    "D12": "Abdul Halim Khaddam defected to Paris.",
    "D13": "Zahir Shah was the last king of Afghanistan.",
    "D14": "Mahmoud Abbas leads the Palestinian Authority.",
    "D15": "The Ladino language survives in Istanbul.",
    "D16": "Husseini family members held posts in Jerusalem.",
    "D17": "The Kaiser visited Jerusalem before the war.",
    "D18": "Shogun was a bestselling novel.",
    "D19": "Hamann's essays influenced Herder.",
    "D20": "ISIS claimed attacks across Syria and Iraq.",
    "D21": "Isis is an Egyptian goddess.",
    "D22": "Ahmad Masoodi wrote the annual report.",
    "D23": "Mahsud tribesmen live in South Waziristan.",
    "D24": "Hezb-e Islami was Hekmatyar's party.",
    "D25": "Talib is a common surname in Pakistan.",
    "D26": "Mahdi is a title, not a surname.",
}

# query → the letter of the texts it should find (all texts with that letter).
QUERIES: dict[str, str] = {
    "gaddafi": "G",
    "qaddafi": "G",
    "kadhafi": "G",
    "gadhafi": "G",
    "Каддафи": "G",
    "القذافي": "G",
    "soleimani": "S",
    "suleimani": "S",
    "soleymani": "S",
    "Сулеймани": "S",
    "zawahiri": "Z",
    "al-zawahri": "Z",
    "al Zawahiri": "Z",
    "аз-Завахири": "Z",
    "prigozhin": "P",
    "prigoschin": "P",
    "prigojine": "P",
    "Пригожин": "P",
    "masood": "M",
    "massoud": "M",
    "masud": "M",
    "masoud": "M",
    "Масуд": "M",
    "khorasan": "K",
    "khorsan": "K",
    "khurasan": "K",
    "hezbollah": "H",
    "hizballah": "H",
    "al-qaeda": "Q",
    "qaida": "Q",
    "Аль-Каида": "Q",
    "hussein": "U",
    "husayn": "U",
    "hossein": "U",
    "muhammad": "W",
    "mohammed": "W",
    "mohamed": "W",
    "laden": "L",
    "ladin": "L",
    "taliban": "T",
    "taleban": "T",
    "abdurrahman": "A",
    "Abdul Rahman": "A",
    "Abd al-Rahman": "A",
    "abdelrahman": "A",
    "ISIS-K": "I",
    "ISISK": "I",
    "ISIS K": "I",
    "shoigu": "O",
    "schoigu": "O",
    "Шойгу": "O",
    "yusuf": "Y",
    "jusuf": "Y",
    "uthman": "N",
    "osman": "N",
    "mustafa": "F",
    "moustapha": "F",
    "kandahar": "C",
    "candahar": "C",
    "aleksandr": "X",
    "alexander": "X",
    "khamenei": "E",
    "Хаменеи": "E",
}


@dataclass
class Scores:
    """Precision and recall over all queries (micro-averaged: every query-text pair counts)."""

    found: int = 0  # relevant texts found
    wrong: int = 0  # texts found that are not relevant
    missed: int = 0  # relevant texts not found
    wrong_pairs: list[tuple[str, str]] = field(default_factory=list)
    missed_pairs: list[tuple[str, str]] = field(default_factory=list)

    @property
    def precision(self) -> float:
        """Share of the texts found that are relevant."""
        return self.found / max(1, self.found + self.wrong)

    @property
    def recall(self) -> float:
        """Share of the relevant texts that were found."""
        return self.found / max(1, self.found + self.missed)

    def add(self, query: str, found: Iterable[str], wanted: str) -> None:
        """Count one query's results."""
        got = set(found)
        relevant = {label for label in TEXTS if label[0] == wanted and label[0] != "D"}
        self.found += len(got & relevant)
        for label in sorted(got - relevant):
            self.wrong += 1
            self.wrong_pairs.append((query, label))
        for label in sorted(relevant - got):
            self.missed += 1
            self.missed_pairs.append((query, label))


def build_library(root: Path) -> tuple[object, dict[str, str]]:
    """A library of the texts, one article each; returns it and the label of each id."""
    from library.importing import Source, import_sources
    from library.store import Library

    library = Library(root)
    sources = [
        Source(name=f"{label}.txt", path=None, data=f"Text {label}\n\n{text}\n".encode())
        for label, text in TEXTS.items()
    ]
    labels: dict[str, str] = {}
    for source, result in zip(sources, import_sources(library, sources), strict=True):
        assert result.article is not None, result.error
        labels[result.article.id] = source.name.removesuffix(".txt")
    return library, labels


def evaluate(library: object, labels: dict[str, str], *, exact: bool = False) -> Scores:
    """Run every query through Folio's search; score the texts found."""
    from library.search import search

    scores = Scores()
    for query, wanted in QUERIES.items():
        hits = search(library, query, limit=200, snippets=0, exact=exact)  # type: ignore[arg-type]
        scores.add(query, (labels[hit.id] for hit in hits.hits), wanted)
    return scores


def evaluate_rules(disabled: frozenset[str] = frozenset()) -> Scores:
    """The same scores computed from the matching rules alone (no index): a text is found
    when it has the query's word, or a name whose key is the query's and that is a variant
    of it, under `Rules(disabled)`. One-word queries only; used for the ablation."""
    from library.analysis import FoldingWordAnalyzer, query_words
    from library.search import prepare_query
    from library.variants import NAME_RE, Rules, has_variants, index_words, name_terms, split_term

    assert NAME_RE  # the index side's own extraction is used through name_terms
    rules = Rules(disabled)
    analyzer = FoldingWordAnalyzer()
    words = {label: {t.text for t in analyzer(text)} for label, text in TEXTS.items()}
    names = {
        label: [split_term(term)[1] for term in name_terms([text]).split()]
        for label, text in TEXTS.items()
    }
    scores = Scores()
    for query, wanted in QUERIES.items():
        tokens = [w for w, _, _ in query_words(prepare_query(query))]
        if len(tokens) != 1:
            continue
        (word,) = tokens
        mine = rules.spelling(word)
        found = []
        for label in TEXTS:
            if word in words[label] or (
                has_variants(word)
                and any(
                    rules.key(other) == rules.key(word)
                    and index_words(other) != [word]
                    and rules.is_variant(mine, rules.spelling(other))
                    for other in names[label]
                )
            ):
                found.append(label)
        scores.add(query, found, wanted)
    return scores
