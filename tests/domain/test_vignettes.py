"""Personal data in anonymised vignettes: what is flagged, what ordinary prose is left alone."""

import pytest

from bureau.domain.recommendations.vignettes import KINDS, Finding, findings

POSITIVE = [
    # names: full names in Cyrillic and Latin, upper case, double surnames
    ("Иван Петров се обади в бюрото.", "name", "Иван Петров"),
    ("Мария Георгиева-Иванова чака отговор от май.", "name", "Мария Георгиева-Иванова"),
    ("Жалбата е подадена от Petar Ivanov.", "name", "Petar Ivanov"),
    ("Подписано: IVAN PETROV", "name", "IVAN PETROV"),
    ("Синът на Веселина Георгиева работи в Гърция.", "name", "Веселина Георгиева"),
    ("Наследници са Иван Иванов Иванов и сестра му.", "name", "Иван Иванов Иванов"),
    ("Maria Ivanova, born 1950, lives alone.", "name", "Maria Ivanova"),
    ("Georgi Georgiev pays the tax.", "name", "Georgi Georgiev"),
    ("Имотът е на Петър Берон от 1990 г.", "name", "Петър Берон"),
    ("Пълномощник е Здравко Петров.", "name", "Здравко Петров"),
    ("При Стоян Малин няма ток.", "name", "Стоян Малин"),
    ("София Петрова живее в София.", "name", "София Петрова"),
    # names: a known first name alone
    ("Грижи се за нея баба Мария.", "name", "Мария"),
    ("Stoyan called twice about the fee.", "name", "Stoyan"),
    ("Кирил, синът ѝ, се обажда всяка седмица.", "name", "Кирил"),
    ("Разговаряхме с Надежда в офиса.", "name", "Надежда"),
    # names: surname-shaped words after an honorific, mid-sentence, alone
    ("Г-н Петров е пенсионер от Влахи.", "name", "Петров"),
    ("Разговаряхме с г-жа Тодорска.", "name", "Тодорска"),
    ("Господин Иванов не е получил отговор.", "name", "Иванов"),
    ("Говорих с д-р Петров от поликлиниката.", "name", "Петров"),
    ("Mr Ivanov was told to wait.", "name", "Ivanov"),
    ("Mrs. Petrova was told to wait.", "name", "Petrova"),
    ("От Влахи дойде баба Гана.", "name", "Гана"),
    ("Съседът Колев помогна с документите.", "name", "Колев"),
    ("Колева дойде сама.", "name", "Колева"),
    ("Жалбата на Тодорски е от март.", "name", "Тодорски"),
    ("Заявител: Тодорски, 74 г.", "name", "Тодорски"),
    ("И. Петров подаде жалба.", "name", "Петров"),
    ("Кметът Стоянов обеща решение.", "name", "Стоянов"),
    # phones
    ("Тел.: 0888 123 456, след 17 ч.", "phone", "0888 123 456"),
    ("Обадете се на 0888123456.", "phone", "0888123456"),
    ("Номерът ѝ е 088 812 3456.", "phone", "088 812 3456"),
    ("От чужбина: +359 888 123 456.", "phone", "+359 888 123 456"),
    ("Viber +359888123456", "phone", "+359888123456"),
    ("Синът звъни от 00359 88 812 3456.", "phone", "00359 88 812 3456"),
    ("Мобилен 0888-123-456", "phone", "0888-123-456"),
    ("Стационарен (07433) 22 22", "phone", "(07433) 22 22"),
    ("Стационарен 07433/2222 в кметството", "phone", "07433/2222"),
    ("В София: 02 987 6543.", "phone", "02 987 6543"),
    ("Благоевград 073 88 12 34", "phone", "073 88 12 34"),
    ("Тел. 0888 123 456 12 пъти не вдигна.", "phone", "0888 123 456"),
    # e-mail addresses
    ("Пише ни от ivan.petrov@abv.bg всеки ден.", "email", "ivan.petrov@abv.bg"),
    ("Имейл: иван@пример.бг.", "email", "иван@пример.бг"),
    ("Копие до user+tag@mail.example.com.", "email", "user+tag@mail.example.com"),
    ("mail: ivan_petrov-1@gmail.com.", "email", "ivan_petrov-1@gmail.com"),
    # ЕГН and ЛНЧ
    ("ЕГН 8501011234, пенсионер.", "egn", "8501011234"),
    ("ЕГН: 8501011235 (грешно изписано)", "egn", "8501011235"),
    ("ЕГН8501011234", "egn", "8501011234"),
    ("EGN 0441154560", "egn", "0441154560"),
    ("Детето, 0441154560, е на 22 г.", "egn", "0441154560"),
    ("ЕГН 0888123456 е сгрешено с телефона.", "egn", "0888123456"),
    ("ЛНЧ 1001234567", "egn", "1001234567"),
    ("Лицето с номер 7501020018 не е вписано.", "egn", "7501020018"),
    # addresses
    ("Живее на ул. „Иван Вазов“ № 5 от 2010 г.", "address", "ул. „Иван Вазов“ № 5"),
    ("Адрес: ул. Христо Ботев 12, Кресна.", "address", "ул. Христо Ботев 12"),
    ("Офисът е на бул. България 1.", "address", "бул. България 1"),
    (
        "Живее в ж.к. Младост 2, бл. 12, вх. А, ет. 3, ап. 7 от години.",
        "address",
        "ж.к. Младост 2, бл. 12, вх. А, ет. 3, ап. 7",
    ),
    ("Семейството е от кв. Център.", "address", "кв. Център"),
    ("Живее в бл. 5 до училището.", "address", "бл. 5"),
    ("Течът е в ап. 12.", "address", "ап. 12"),
    ("Address: str. Ivan Vazov 5, Kresna", "address", "str. Ivan Vazov 5"),
    ("Вход откъм ул. Раковски", "address", "ул. Раковски"),
    # case references
    ("Случаят KRS-2026-00042 е приключен.", "reference", "KRS-2026-00042"),
    ("Вижте КРС-2026-00042.", "reference", "КРС-2026-00042"),
    ("вж. krs-2026-00042", "reference", "krs-2026-00042"),
]

NEGATIVE = [
    "Пенсионерка от селото чака решение на ТЕЛК повече от 4 месеца; законовият срок е 30 дни.",
    "Данъчната оценка за 2025 г. е 1 250 лв., а таксата за смет се е увеличила с 15 %.",
    "Общинска служба по земеделие - Кресна отговаря след 21.11.2026.",
    "Съгласно чл. 12, ал. 3 от Наредба № 5 таксата е 20,00 лв.",
    "Гражданинът е насочен към Дирекция „Социално подпомагане“ и НОИ.",
    "Жителка на Сливница, над 65 г., без интернет, не може да заяви услугата онлайн.",
    "В понеделник и вторник гишето не работи.",
    "Случаят е от януари; отговорът дойде след 45 работни дни.",
    "Възрастен мъж от Влахи няма как да стигне до Благоевград за преглед в РЗОК.",
    "Агенция по заетостта не е отговорила на заявлението повече от два месеца.",
    "Бюро по труда - Кресна работи само два дни в седмицата.",
    "Общинска администрация Кресна изисква удостоверение, което вече има в регистрите си.",
    "Автобусът от Долна Градешница до Кресна се движи само в сряда и петък.",
    "Жителите на Горна Брезница и Стара Кресна нямат аптека по-близо от 15 км.",
    "Таксата за смет в Ощава е същата като в града, а контейнерите се изпразват веднъж месечно.",
    "Семейство с дете с увреждане чака 8 месеца за преосвидетелстване в ТЕЛК - Благоевград.",
    "Гражданката е получила решение на НАП без мотиви и не знае как да го обжалва.",
    "Самотна жена на 78 г. не може да плати 350,50 лв. за дърва.",
    "Решението е от 2026-11-21 и е връчено на 03.12.2026 г.",
    "Европейски фондове за енергийна ефективност не стигат до малките села.",
    "Министерски съвет прие промени в Наредба № 7 от 2019 г.",
    "Кметът на Сливница не приема граждани в понеделник.",
    "Това е третият случай от юли насам с отказ за еднократна помощ.",
    "Нова практика на НОИ е пенсиите да се изпращат само по банков път.",
    "Дирекция „Социално подпомагане“ - Симитли обслужва и жители на Кресна.",
    "Услугата „Домашен социален патронаж“ е спряна за 14 работни дни през август.",
    "От 01.01.2026 г. таксата е 0,50 лв. на кв. м.",
    "Работно време: 08:30 - 17:00, почивка 12:00 - 13:00.",
    "Срокът по чл. 57, ал. 1 от ГПК е 14 дни.",
    "Гражданинът има ТЕЛК 71 % от 2023 г.",
    "Телефонът на НАП е 0700 18 700, но никой не вдига.",
    "Писмото е с изх. № 0211-5432/2026 от 05.03.2026 г.",
    "В Районен съд - Сандански делото е отложено за ноември.",
    "София е далеч за хората от Ощава.",
    "Надежда за решение няма до края на годината.",
    "Български пощи закриха клона в Сливница.",
    "Районна прокуратура - Благоевград е сезирана през ноември.",
    "Пациентите от Кресна пътуват до МБАЛ Благоевград за диализа три пъти седмично.",
    "Ремонтът в храм „Св. Никола“ спря достъпа до площада.",
    "Срок: понеделник. Адресат: Общинска администрация.",
]


@pytest.mark.parametrize(("text", "kind", "span"), POSITIVE)
def test_personal_datum_is_found_with_its_kind_and_span(text, kind, span):
    assert (kind, span) in [(f.kind, f.text) for f in findings(text)]


@pytest.mark.parametrize("text", NEGATIVE)
def test_ordinary_vignette_gives_no_finding(text):
    assert findings(text) == []


def test_finding_reports_offsets_into_the_text():
    text = "Баба Мария (0888 123 456) живее на ул. Раковски 5."
    assert findings(text) == [
        Finding("name", "Мария", 5, 10),
        Finding("phone", "0888 123 456", 12, 24),
        Finding("address", "ул. Раковски 5", 35, 49),
    ]


def test_mobile_number_is_a_phone_and_not_an_egn():
    assert [(f.kind, f.text) for f in findings("Тел. 0888123456")] == [("phone", "0888123456")]


def test_ten_digits_after_egn_label_are_only_an_egn():
    assert [(f.kind, f.text) for f in findings("ЕГН 0888123456")] == [("egn", "0888123456")]


def test_names_inside_an_address_are_part_of_the_address():
    assert [f.kind for f in findings("ул. „Иван Вазов“ № 5")] == ["address"]


def test_name_inside_an_email_is_part_of_the_email():
    assert [f.kind for f in findings("Ivan.Petrov@abv.bg")] == ["email"]


def test_longer_run_of_digits_is_not_a_phone():
    assert findings("Обадете се на 0888 123 4567.") == []
    assert findings("Сметка 08881234567890") == []


def test_entrance_and_floor_alone_are_not_an_address():
    assert findings("Гишето е на ет. 2, вх. Б на общината.") == []


def test_corpus_covers_every_kind():
    assert {kind for _, kind, _ in POSITIVE} == set(KINDS)


def test_labels_are_bulgarian(app):
    assert [str(label) for label in KINDS.values()] == [
        "име",
        "телефон",
        "имейл адрес",
        "ЕГН",
        "адрес",
        "номер на случай",
    ]


def test_empty_text_gives_nothing():
    assert findings("") == []


def test_findings_are_ordered_exact_and_do_not_overlap():
    text = "\n".join([t for t, _, _ in POSITIVE] + NEGATIVE)
    found = findings(text)
    assert len(found) >= len(POSITIVE)
    for finding in found:
        assert text[finding.start : finding.end] == finding.text
        assert finding.kind in KINDS
    for first, second in zip(found, found[1:], strict=False):
        assert first.end <= second.start


def test_long_text_is_checked_whole():
    vignette = (
        "Иван Петров от Влахи (0888 123 456, ivan@abv.bg, ЕГН 8501011234) живее на "
        "ул. Раковски 5; случаят KRS-2026-00042 чака ТЕЛК от 4 месеца. "
    )
    text = vignette * (100_000 // len(vignette) + 1)
    found = findings(text)
    repeats = text.count(vignette)
    assert len(text) > 100_000
    assert [f.kind for f in found] == [
        "name",
        "phone",
        "email",
        "egn",
        "address",
        "reference",
    ] * repeats


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("а" * 200_000, []),
        ("А" * 200_000, []),
        ("1 " * 100_000, []),
        ("0 " * 100_000, []),
        ("0" * 200_000, []),
        ("a." * 100_000, []),
        ("a@" * 100_000, []),
        ("ул. " * 50_000, []),
        ("вх. 1, " * 30_000, []),
        ("+359" * 50_000, []),
    ],
)
def test_pathological_text_completes_without_findings(text, expected):
    assert findings(text) == expected


def test_long_run_of_names_is_one_finding():
    text = "Иван Петров " * 20_000
    assert findings(text) == [Finding("name", text.rstrip(), 0, len(text) - 1)]


def test_nul_bytes_and_lone_surrogates_do_not_break_the_check():
    text = "Иван\x00Петров \ud800Мария Петрова\udfff 0888 123 456\x00"
    assert [(f.kind, f.text) for f in findings(text)] == [
        ("name", "Иван"),
        ("name", "Петров"),
        ("name", "Мария Петрова"),
        ("phone", "0888 123 456"),
    ]
