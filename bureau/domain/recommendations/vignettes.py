"""Personal data in an anonymised vignette: a warning before it goes to the commission.

A vignette is a few lines an expert writes about a case, shown to the municipal council's
commission as evidence of a systemic problem. Names, phones, e-mail addresses, ЕГН, home
addresses and case references lead back to a citizen (GDPR art. 4(1)), so the coordinator
is warned about anything that looks like one. It is a warning, not a filter: a rare false
alarm costs a glance, a missed name costs a citizen's privacy.
"""

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from bureau.domain import DomainError
from bureau.domain.transliteration import to_latin


@dataclass(frozen=True)
class Finding:
    kind: str  # a key of KINDS
    text: str  # exactly as in the vignette: text[start:end]
    start: int
    end: int


KINDS: dict[str, LazyString] = {
    "name": _l("име"),
    "phone": _l("телефон"),
    "email": _l("имейл адрес"),
    "egn": _l("ЕГН"),
    "address": _l("адрес"),
    "reference": _l("номер на случай"),
}
# Where two kinds claim the same characters, the earlier one wins.
PRIORITY = ("reference", "email", "egn", "phone", "address", "name")

# fmt: off
MALE_NAMES = """
    Александър Алекси Ангел Андрей Антон Асен Атанас Благой Богдан Божидар Бойко Борис
    Борислав Боян Валентин Валери Васил Ваньо Венцислав Веселин Виктор Владимир Владислав
    Вълчо Георги Гоце Гошо Григор Даниел Делян Димитър Димо Добри Добромир Драгомир Евгени
    Емил Живко Здравко Златко Иван Ивайло Иво Илия Йордан Йосиф Калин Камен Кирил Кирчо
    Кольо Константин Костадин Красимир Кристиан Любен Любомир Любчо Людмил Мартин Методи
    Милен Милко Мирослав Митко Михаил Младен Недялко Нено Никола Николай Огнян Орлин Павел
    Пенчо Петко Петър Пешо Пламен Радко Радослав Радостин Райчо Росен Румен Сашо Светлин
    Светослав Севдалин Симеон Славчо Спас Станимир Станислав Стефан Стоил Стойко Стоян
    Теодор Тодор Тошо Траян Христо Цветан Цветомир Чавдар Юлиан Явор Янко Ясен
"""
FEMALE_NAMES = """
    Албена Александра Ана Анелия Ани Антоанета Ася Биляна Бисера Благовеста Боряна Валентина
    Валерия Ваня Василка Велика Венета Вера Веселина Виктория Виолета Вяра Галина Галя
    Гергана Гинка Даниела Дарина Даринка Деница Десислава Диана Димитрина Донка Елена Ели
    Елисавета Елица Елка Емилия Здравка Злата Златка Ивана Иванка Ивелина Илияна Ирена
    Йоана Йорданка Калина Камелия Катерина Катя Кристина Лилия Лиляна Люба Любов Магдалена
    Маргарита Мариана Марийка Марина Мария Мила Милена Мими Надежда Надя Наталия Невена Нели
    Никол Николина Нина Павлина Пенка Петранка Петя Пламена Поля Радка Радост Радостина Райна
    Роза Росица Румяна Светла Светлана Силвия Симона Слава Снежана Соня София Станка Стефка
    Стела Стоянка Таня Теменужка Теодора Тодорка Фани Христина Цвета Цветана Цветелина Яна
    Янка Ясмина
"""
# Names that are also ordinary words ("Надежда" is hope): flagged alone only mid-sentence.
AMBIGUOUS_NAMES = """
    ангел бисера велика виолета вяра добри злата калина камелия лилия любов маргарита мила
    надежда радост роза светла слава спас цвета ясен
"""
# Names that are also places ("в София"): flagged only beside a surname.
PLACE_NAMES = "софия"
HONORIFICS = """
    г-н г-жа г-ца господин госпожа госпожица д-р инж проф адв mr mrs ms miss dr
    баба дядо леля чичо вуйчо вуйна кака бате батко
"""
SAINTS = "св свети света sv saint st"
# Capitalised words that are not names: institutions, their abbreviations, places of the
# municipality and region, months, weekdays, adjectives of institution names, pronouns.
NOT_NAMES = """
    община общината общинско администрация администрацията дирекция дирекцията агенция
    агенцията бюро бюрото служба службата министерство министерството съвет съд съдът
    районен районна областна областен кмет кметът кметство национална национален социално
    подпомагане заетостта труда каса
    нои нап телк нелк рзок нзок дсп адсп азп дбт грао мвр одмвр рпу ес ек егн лнч тв
    кресна влахи брезница градешница сливница ощава благоевград стара горна долна
    симитли разлог банско петрич сандански дупница перник пловдив варна бургас кюстендил
    самоков свищов левски раковски киев загора търново
    януари февруари март април май юни юли август септември октомври ноември декември
    понеделник вторник сряда четвъртък петък събота неделя коледа великден марта
    това такова онова нова нов ново готов готова основа негов негова остров покров лев
    гнев дева посев припев трудов трудова nova kiev
"""
# Adjectives that open institution names ("Общинска служба", "Европейски съюз"); the
# feminine -ска form of each is added below.
ADJECTIVES = """
    общински европейски министерски български медицински граждански градски селски кметски
    кресненски благоевградски софийски пирински пловдивски пощенски ромски турски руски
    гръцки немски английски френски македонски румънски сръбски
"""
# fmt: on
PLACE_PHRASES = re.compile(r"(?i)(?<!\w)(?:гоце делчев|елин пелин|бобов дол|генерал тошево)(?!\w)")


def _words(block: str) -> set[str]:
    return {word.lower() for word in block.split()}


def _with_latin(names: set[str]) -> set[str]:
    """The names as written in Cyrillic and in the official transliteration."""
    return names | {to_latin(name) for name in names}


FIRST_NAMES = _with_latin(_words(MALE_NAMES) | _words(FEMALE_NAMES))
AMBIGUOUS = _with_latin(_words(AMBIGUOUS_NAMES))
PLACES = _with_latin(_words(PLACE_NAMES))
HONORIFIC_WORDS = _words(HONORIFICS)
SAINT_WORDS = _words(SAINTS)
STOP = (
    _words(NOT_NAMES)
    | {form for word in _words(ADJECTIVES) for form in (word, word[:-1] + "а")}
    | HONORIFIC_WORDS
    | SAINT_WORDS
)
# Surname endings: -ов/-ев are almost never ordinary capitalised words; -ски/-ска are
# also adjectives ("Общинска служба"); -ин/-ина also nouns ("Община", "Година").
SURNAME = ("ов", "ова", "ев", "ева", "ov", "ova", "ev", "eva")
ADJECTIVE = ("ски", "ска", "цки", "цка", "ski", "ska")
WEAK = ("ин", "ина", "in", "ina")
FIRST = {"first", "ambiguous", "place"}  # roles of a word, see _role()
SURNAMES = {"surname", "adjective", "weak"}

# Case references as the system writes them (bureau.domain.cases.references), also in the
# Cyrillic a Bulgarian keyboard gives and in lower case: KRS-2026-00042, крс-2026-00042.
REFERENCE = re.compile(r"(?i)(?<![\w-])[A-ZА-Я]{2,8}-20[0-9]{2}-[0-9]{5,7}(?![\w-])")
# E-mail addresses, IDN ones included (\w is Unicode). The look-behind anchors each try at
# the start of the local part, so a long run of letters is read once, not once a letter.
EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# A ЕГН or ЛНЧ after its label, valid or not; and any other run of exactly ten digits.
LABELLED_ID = re.compile(r"(?<!\w)(?i:ЕГН|EGN|ЛНЧ|LNCH|ЕНЧ)[ \t:№.\-–]{0,5}([0-9]{10})(?![0-9])")
TEN_DIGITS = re.compile(r"(?<![\w+])[0-9]{10}(?![0-9])")
EGN_WEIGHTS = (2, 4, 8, 5, 10, 9, 7, 3, 6)
# Phones: +359 / 00359 / a leading 0 (an area code maybe in brackets), then digits in
# groups separated by a space, dash, slash or bracket. Never after a digit and a dot or
# comma (an amount).
PHONE = re.compile(
    r"(?<![\w+])(?<![0-9][.,])(?:(?:\+|00)359|\(0(?=[0-9]{1,4}\))|0)"
    r"(?:[ \u00a0\-/()]{0,2}[0-9]){6,12}"
)
MOBILE = ("087", "088", "089", "098", "099")
SERVICE = ("070", "080", "090")  # NAP's 0700 18 700 is an institution's, not a person's
NUMBER_SIGN = re.compile(r"(?:№|No\.?)\s*$")
# Addresses: street, complex and unit parts ("ж.к. Младост 2, бл. 12, вх. А, ап. 7").
_QUOTED = r"[„“\"«][^„“”\"«»\n]{1,60}[“”\"»]"
_CAPITALISED = r"[A-ZА-Я][\w-]*(?:[ ][A-ZА-Я][\w-]*){0,3}"
_NUMBER = r"(?:[ ]?(?:№|No\.?)?[ ]?[0-9]{1,4}[а-яa-z]?(?!\w))?"
_STREETS = r"булевард|бул|улица|ул|площад|пл|blvd|bul|ul|str"
_COMPLEXES = r"ж\.?[ ]?к|кв|квартал|мах|махала"
_STRONG_UNITS = r"блок|бл|апартамент|ап|bl|ap"
_WEAK_UNITS = r"вход|вх|етаж|ет|vh"
_UNIT = rf"(?i:{_STRONG_UNITS}|{_WEAK_UNITS})\.?[ ]?(?:№[ ]?)?(?:[0-9]{{1,4}}[а-я]?|[А-ЯA-Z])(?!\w)"
_PLACE = rf"(?i:{_STREETS}|{_COMPLEXES})\.?[ ]?(?:{_QUOTED}|{_CAPITALISED}){_NUMBER}"
_PART = rf"(?<!\w)(?:{_PLACE}|{_UNIT})"
ADDRESS = re.compile(rf"{_PART}(?:(?:[ ]?,[ ]?|[ ]){_PART})*")
# An entrance or floor alone ("вх. Б", "ет. 2") is as likely the office's own.
STRONG_PART = re.compile(rf"(?i)(?<!\w)(?:{_STREETS}|{_COMPLEXES}|{_STRONG_UNITS})(?!\w)")
# Names: words of letters, a double surname joined by a hyphen kept as one word.
WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
BETWEEN_NAMES = re.compile(r"[ \t\u00a0]{1,3}")
AFTER_HONORIFIC = re.compile(r"\.?[ \t\u00a0]{0,3}")
# After these a capital letter says nothing; after "Заявител:" it still does.
SENTENCE_BOUNDARY = frozenset('.!?…\n„“"«•*')


def findings(text: str) -> list[Finding]:
    """What in the text looks like personal data, in the order it appears (no overlaps)."""
    if not text:
        return []
    found = [
        *_references(text),
        *_emails(text),
        *_egns(text),
        *_phones(text),
        *_addresses(text),
        *_names(text),
    ]
    return _without_overlaps(found)


# A phone, an e-mail address, an EGN or a case reference is never anything else: text
# holding one is not shown to the commission or the public. A name or an address may be
# a false alarm (a street named after a poet): a person looks and says so.
UNMISTAKABLE = frozenset({"phone", "email", "egn", "reference"})


def require_clean(text: str, *, checked: bool) -> None:
    """The one rule for text that leaves the bureau's staff (a vignette for the commission,
    a citizen's comment for the public): nothing unmistakably personal, and what looks
    like a name or an address looked at (`checked`)."""
    found = findings(text)
    if any(f.kind in UNMISTAKABLE for f in found):
        raise DomainError(
            _l(
                "Текстът съдържа телефон, имейл адрес, ЕГН или номер на случай. Махнете ги "
                "— такъв текст не се показва извън бюрото."
            ),
            "checked",
        )
    if found and not checked:
        raise DomainError(
            _l(
                "Текстът съдържа нещо, което прилича на име или адрес. Проверете маркираното "
                "и потвърдете, че не е лично име или адрес."
            ),
            "checked",
        )


def _finding(kind: str, text: str, start: int, end: int) -> Finding:
    return Finding(kind, text[start:end], start, end)


def _without_overlaps(found: list[Finding]) -> list[Finding]:
    """Keep the finding of the higher-priority kind (then the longer one) where two overlap."""
    kept: list[Finding] = []
    starts: list[int] = []
    for finding in sorted(found, key=lambda f: (PRIORITY.index(f.kind), f.start - f.end, f.start)):
        i = bisect.bisect_left(starts, finding.start)
        if i > 0 and kept[i - 1].end > finding.start:
            continue
        if i < len(kept) and kept[i].start < finding.end:
            continue
        kept.insert(i, finding)
        starts.insert(i, finding.start)
    return kept


def _references(text: str) -> list[Finding]:
    """Case references: each leads straight back to the case and its citizen."""
    return [_finding("reference", text, m.start(), m.end()) for m in REFERENCE.finditer(text)]


def _emails(text: str) -> list[Finding]:
    """E-mail addresses, Latin or IDN."""
    return [_finding("email", text, m.start(), m.end()) for m in EMAIL.finditer(text)]


def _is_egn(digits: str) -> bool:
    """A valid ЕГН: a real date of birth and the check digit of the Civil Registration Act."""
    year, month, day = int(digits[:2]), int(digits[2:4]), int(digits[4:6])
    if 1 <= month <= 12:
        year += 1900
    elif 21 <= month <= 32:  # born in the 1800s
        year, month = year + 1800, month - 20
    elif 41 <= month <= 52:  # born in the 2000s
        year, month = year + 2000, month - 40
    else:
        return False
    try:
        date(year, month, day)
    except ValueError:
        return False
    check = sum(int(d) * w for d, w in zip(digits, EGN_WEIGHTS, strict=False)) % 11 % 10
    return check == int(digits[9])


def _egns(text: str) -> list[Finding]:
    """ЕГН and ЛНЧ: after their label any ten digits; elsewhere ten digits that are not a
    mobile number (a mobile number is never a valid ЕГН: its "month" is 70-99)."""
    found = [_finding("egn", text, m.start(1), m.end(1)) for m in LABELLED_ID.finditer(text)]
    for match in TEN_DIGITS.finditer(text):
        digits = match.group()
        if _is_egn(digits) or _phone_length(digits) != 10:
            found.append(_finding("egn", text, match.start(), match.end()))
    return found


def _phone_length(national: str) -> int | None:
    """How many digits a Bulgarian number starting so has with its leading 0: 10 for a
    mobile, 9 for a landline; None for a service number (0700, 0800, 090x) or no number."""
    if national.startswith(MOBILE):
        return 10
    if national.startswith(SERVICE) or not re.match(r"0[2-9]", national):
        return None
    return 9


def _phones(text: str) -> list[Finding]:
    """Mobiles and landlines as people write them; a number longer than a phone is not one."""
    found = []
    position = 0
    while match := PHONE.search(text, position):
        end = _phone_end(text, match)
        if end is None:
            position = match.start() + 1
            continue
        found.append(_finding("phone", text, match.start(), end))
        position = end
    return found


def _phone_end(text: str, match: re.Match) -> int | None:
    """Where the phone in the match ends, or None if the digits are not a phone's."""
    if NUMBER_SIGN.search(text, max(0, match.start() - 4), match.start()):
        return None  # "№ 0211-5432": a letter's number
    positions = [i for i, char in enumerate(match.group()) if char.isdigit()]
    digits = "".join(match.group()[i] for i in positions)
    prefix = 5 if digits.startswith("00359") else 3 if match.group().startswith("+") else 0
    national = digits[prefix:]
    if prefix and not national.startswith("0"):
        national = "0" + national  # +359 888… is 0888…
    length = _phone_length(national)
    if length is None:
        return None
    needed = len(digits) - len(national) + length
    if len(positions) < needed:
        return None
    end = match.start() + positions[needed - 1] + 1
    if end < len(text) and text[end].isdigit():
        return None
    if len(positions) > needed and text[end] not in " \u00a0":
        return None  # "0888-123-456-7": part of a longer number
    return end


def _addresses(text: str) -> list[Finding]:
    """Streets, complexes, blocks and flats; an entrance or floor only beside one of them."""
    return [
        _finding("address", text, m.start(), m.end())
        for m in ADDRESS.finditer(text)
        if STRONG_PART.search(m.group())
    ]


@dataclass(frozen=True)
class _Word:
    start: int
    end: int
    role: str | None  # first, ambiguous, place, surname, adjective, weak or None
    mid_sentence: bool


def _names(text: str) -> list[Finding]:
    """Capitalised words that read as names, judged a run of adjacent words at a time."""
    found = []
    for run, before in _runs(text):
        title = before.group().lower() if before else ""
        linked = before is not None and AFTER_HONORIFIC.fullmatch(text, before.end(), run[0].start)
        if linked and title in SAINT_WORDS:
            continue  # "храм „Св. Никола“", "Св. Мария": a church, not a person
        after_honorific = bool(linked) and title in HONORIFIC_WORDS
        found += [_finding("name", text, s, e) for s, e in _judge(run, after_honorific)]
    return found


def _runs(text: str) -> Iterator[tuple[list[_Word], re.Match | None]]:
    """Capitalised non-stop words separated only by spaces, each run with the word before."""
    in_places = {
        word.start()
        for place in PLACE_PHRASES.finditer(text)
        for word in WORD.finditer(text, place.start(), place.end())
    }
    run: list[_Word] = []
    before = previous = None
    for match in WORD.finditer(text):
        if not _capitalised(match.group()) or match.start() in in_places:
            if run:
                yield run, before
            run = []
        elif run and BETWEEN_NAMES.fullmatch(text, run[-1].end, match.start()):
            run.append(_word(text, match))
        else:
            if run:
                yield run, before
            run, before = [_word(text, match)], previous
        previous = match
    if run:
        yield run, before


def _capitalised(word: str) -> bool:
    """Shaped like a name ("Петров", "Георгиева-Иванова", "PETROV"), not a known word."""
    parts = word.split("-")
    title = all(p[:1].isupper() and p[1:].islower() for p in parts) and len(parts[0]) > 1
    upper = word.isupper() and len(word) > 1
    return (title or upper) and word.lower() not in STOP


def _word(text: str, match: re.Match) -> _Word:
    preceding = text[max(0, match.start() - 12) : match.start()].rstrip(" \t\u00a0")
    mid_sentence = bool(preceding) and preceding[-1] not in SENTENCE_BOUNDARY
    return _Word(match.start(), match.end(), _role(match.group().lower()), mid_sentence)


def _role(key: str) -> str | None:
    """What the word could be: a first name (plain, ambiguous or a place) or a surname."""
    if key in FIRST_NAMES:
        return "place" if key in PLACES else "ambiguous" if key in AMBIGUOUS else "first"
    last = key.rsplit("-", 1)[-1]
    if len(last) >= 4 and last.endswith(SURNAME):
        return "surname"
    if len(last) >= 5 and last.endswith(ADJECTIVE):
        return "adjective"
    if len(last) >= 4 and last.endswith(WEAK):
        return "weak"
    return None


def _judge(run: list[_Word], after_honorific: bool) -> list[tuple[int, int]]:
    """The spans of a run that are names: what a word is, and what stands beside it."""
    if after_honorific:
        return [(run[0].start, run[-1].end)]  # "г-н Иван Петров", "баба Гана"
    roles = [word.role for word in run]
    marked = [False] * len(run)
    # A first name or an -ов/-ев surname in the run vouches for its -ски and -ин words.
    anchored = any(role in FIRST or role == "surname" for role in roles)
    for i, word in enumerate(run):
        beside = roles[max(0, i - 1) : i] + roles[i + 1 : i + 2]
        if word.role == "first" or word.role == "surname":
            marked[i] = True
        elif word.role == "ambiguous":  # "Надежда" is hope, "при Надежда" a woman
            marked[i] = word.mid_sentence or any(r in FIRST | SURNAMES for r in beside)
        elif word.role == "place":  # "в София", but "София Петрова"
            marked[i] = any(r in SURNAMES for r in beside)
        elif word.role == "adjective":  # "Общинска служба", but "Тодорски" mid-sentence
            marked[i] = word.mid_sentence or anchored
        elif word.role == "weak":  # "Община", "Година", but "Стоян Малин"
            marked[i] = anchored
    for i, word in enumerate(run):
        after_first = i > 0 and marked[i - 1] and roles[i - 1] in FIRST  # "Петър Берон"
        before_surname = i + 1 < len(run) and marked[i + 1] and roles[i + 1] in SURNAMES
        if word.role is None and (after_first or (before_surname and word.mid_sentence)):
            marked[i] = True
    spans: list[tuple[int, int]] = []
    for i, word in enumerate(run):
        if marked[i] and i > 0 and marked[i - 1]:
            spans[-1] = (spans[-1][0], word.end)
        elif marked[i]:
            spans.append((word.start, word.end))
    return spans
