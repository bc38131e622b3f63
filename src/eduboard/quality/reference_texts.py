"""The quality area's shipped reference texts in English and Russian (Latvian → (English, Russian)): the observation
form's groups, criteria and scales, the self-assessment frameworks' areas and criteria, and the subjects files name.

A data migration fills the blank translations of rows whose Latvian text is here (core.translated.fill_translations);
the board edits them, and translates its own additions, on the admin pages or with `import_reference`."""

from __future__ import annotations

from eduboard.core.translated import reference_filler

TRANSLATIONS: dict[str, tuple[str, str]] = {
    # The observation form (quality.defaults)
    "Mācību stundas/nodarbības norise": ("Course of the lesson", "Ход урока/занятия"),
    "Ko izglītojamie darīja": ("What the learners did", "Что делали учащиеся"),
    "Kritiskā domāšana un problēmrisināšana": (
        "Critical thinking and problem solving",
        "Критическое мышление и решение проблем",
    ),
    "Sasniedzamie rezultāti ir skaidri definēti": (
        "The intended results are clearly defined",
        "Планируемые результаты чётко определены",
    ),
    "Stundai ir 3 daļas (ierosināšana, apjēgšana, refleksija)": (
        "The lesson has 3 parts (evocation, realisation of meaning, reflection)",
        "Урок состоит из 3 частей (вызов, осмысление, рефлексия)",
    ),
    "Dažāda līmeņa uzdevumi atbilstoši izglītojamo gatavībai mācībām": (
        "Tasks of different levels suited to the learners' readiness",
        "Задания разного уровня в соответствии с готовностью учащихся",
    ),
    "Ir pieejams individualizēts atbalsts": ("Individual support is available", "Доступна индивидуальная поддержка"),
    "Mācību process ir izglītojamo centrēts": (
        "The learning process is learner-centred",
        "Учебный процесс сосредоточен на учащихся",
    ),
    "Stunda notiek latviešu valodā": ("The lesson is taught in Latvian", "Урок проходит на латышском языке"),
    "Stunda notiek lekcijas formātā": ("The lesson is given as a lecture", "Урок проходит в форме лекции"),
    "Nosauca, citēja, stāstīja, aprakstīja, atbildēja uz jautājumiem": (
        "Named, quoted, told, described, answered questions",
        "Называли, цитировали, рассказывали, описывали, отвечали на вопросы",
    ),
    "Argumentēja, pamatoja": ("Argued, justified", "Аргументировали, обосновывали"),
    "Veidoja, formulēja jaunas sakarības, vērtēja paveikto": (
        "Created, formulated new connections, evaluated their work",
        "Создавали, формулировали новые связи, оценивали сделанное",
    ),
    "Precīzi definēja problēmu vai iespēju": (
        "Defined the problem or opportunity precisely",
        "Точно определяли проблему или возможность",
    ),
    "Formulēja un izvēlējās risinājumu problēmai": (
        "Formulated and chose a solution to the problem",
        "Формулировали и выбирали решение проблемы",
    ),
    "Plānoja un rīkojās": ("Planned and acted", "Планировали и действовали"),
    "Pārbaudīja un novērtēja risinājumu": ("Tested and evaluated the solution", "Проверяли и оценивали решение"),
    # Scales
    "Jā / daļēji / nē": ("Yes / partly / no", "Да / частично / нет"),
    "Jā": ("Yes", "Да"),
    "Daļēji": ("Partly", "Частично"),
    "Nē": ("No", "Нет"),
    "Līmeņi": ("Levels", "Уровни"),
    "Izcili": ("Excellent", "Отлично"),
    "Ļoti labi": ("Very good", "Очень хорошо"),
    "Labi": ("Good", "Хорошо"),
    "Jāpilnveido": ("Needs improvement", "Требует улучшения"),
    "Nepietiekami": ("Insufficient", "Недостаточно"),
    # Self-assessment frameworks (quality.frameworks): areas
    "Atbalsts izglītojamiem": ("Support for learners", "Поддержка учащихся"),
    "Atbilstība mērķiem": ("Fitness for purpose", "Соответствие целям"),
    "Iekļaujoša vide": ("Inclusive environment", "Инклюзивная среда"),
    "Iestādes darba organizācija, vadība un kvalitātes nodrošināšana": (
        "The institution's organisation of work, management and quality assurance",
        "Организация работы учреждения, управление и обеспечение качества",
    ),
    "Iestādes resursi": ("The institution's resources", "Ресурсы учреждения"),
    "Iestādes vide": ("The institution's environment", "Среда учреждения"),
    "Izglītojamo sasniegumi": ("Learners' achievements", "Достижения учащихся"),
    "Kvalitatīvas mācības": ("Quality learning", "Качественное обучение"),
    "Laba pārvaldība": ("Good governance", "Хорошее управление"),
    "Mācību saturs": ("Curriculum", "Учебное содержание"),
    "Mācīšana un mācīšanās": ("Teaching and learning", "Преподавание и учение"),
    # … and criteria
    "Administratīvā efektivitāte": ("Administrative efficiency", "Административная эффективность"),
    "Atbalsts izglītojamiem ar speciālām vajadzībām": (
        "Support for learners with special needs",
        "Поддержка учащихся с особыми потребностями",
    ),
    "Atbalsts karjeras izglītībā": ("Support in career education", "Поддержка в карьерном образовании"),
    "Atbalsts mācību darba diferenciācijai": (
        "Support for differentiated learning",
        "Поддержка дифференциации учебной работы",
    ),
    "Atbalsts personības veidošanā": ("Support for personal development", "Поддержка формирования личности"),
    "Atbalsts un sadarbība": ("Support and cooperation", "Поддержка и сотрудничество"),
    "Drošība un psiholoģiskā labbūtība": (
        "Safety and psychological wellbeing",
        "Безопасность и психологическое благополучие",
    ),
    "Fiziskā vide un vides pieejamība": (
        "Physical environment and its accessibility",
        "Физическая среда и её доступность",
    ),
    "Iekārtas un materiāltehniskie resursi": (
        "Equipment and material resources",
        "Оборудование и материально-технические ресурсы",
    ),
    "Iestādes darba pašvērtēšana un attīstības plānošana": (
        "Self-assessment of the institution's work and development planning",
        "Самооценка работы учреждения и планирование развития",
    ),
    "Iestādes sadarbība ar citām institūcijām": (
        "The institution's cooperation with other bodies",
        "Сотрудничество учреждения с другими институциями",
    ),
    "Iestādes vadības darbs un personāla pārvaldība": (
        "Management of the institution and of its staff",
        "Работа руководства учреждения и управление персоналом",
    ),
    "Infrastruktūra un resursi": ("Infrastructure and resources", "Инфраструктура и ресурсы"),
    "Izglītojamo drošības garantēšana (drošība un darba aizsardzība)": (
        "Ensuring learners' safety (safety and labour protection)",
        "Обеспечение безопасности учащихся (безопасность и охрана труда)",
    ),
    "Izglītojamo sasniegumi ikdienas darbā": (
        "Learners' achievements in daily work",
        "Достижения учащихся в повседневной работе",
    ),
    "Izglītojamo sasniegumi valsts pārbaudes darbos": (
        "Learners' achievements in state examinations",
        "Достижения учащихся в государственных проверочных работах",
    ),
    "Izglītības programmu īstenošana": (
        "Implementation of education programmes",
        "Реализация образовательных программ",
    ),
    "Izglītības turpināšana un nodarbinātība": (
        "Further education and employment",
        "Продолжение образования и занятость",
    ),
    "Kompetences un sasniegumi": ("Competences and achievements", "Компетенции и достижения"),
    "Mikroklimats": ("School climate", "Микроклимат"),
    "Mācību saturs – iestādes īstenotās izglītības programmas": (
        "Curriculum – the institution's education programmes",
        "Учебное содержание – образовательные программы учреждения",
    ),
    "Mācīšanas kvalitāte": ("Quality of teaching", "Качество преподавания"),
    "Mācīšanās kvalitāte": ("Quality of learning", "Качество учения"),
    "Pedagogu profesionālā kapacitāte": ("Teachers' professional capacity", "Профессиональный потенциал педагогов"),
    "Personālresursi": ("Staff resources", "Кадровые ресурсы"),
    "Pieejamība": ("Access", "Доступность"),
    "Psiholoģiskais atbalsts, sociālpedagoģiskais atbalsts": (
        "Psychological and social-pedagogical support",
        "Психологическая и социально-педагогическая поддержка",
    ),
    "Sadarbība ar izglītojamā ģimeni": ("Cooperation with the learner's family", "Сотрудничество с семьёй учащегося"),
    "Vadības profesionālā darbība": (
        "Professional work of the management",
        "Профессиональная деятельность руководства",
    ),
    "Vienlīdzība un iekļaušana": ("Equity and inclusion", "Равенство и инклюзия"),
    "Vērtēšana kā mācību procesa sastāvdaļa": (
        "Assessment as part of the learning process",
        "Оценивание как часть учебного процесса",
    ),
    # Subjects
    "Angļu valoda": ("English", "Английский язык"),
    "Bioloģija": ("Biology", "Биология"),
    "Dabaszinības": ("Science", "Естествознание"),
    "Datorika": ("Computing", "Информатика"),
    "Dizains un tehnoloģijas": ("Design and technology", "Дизайн и технологии"),
    "Fizika": ("Physics", "Физика"),
    "Krievu valoda": ("Russian", "Русский язык"),
    "Kultūra un māksla": ("Culture and arts", "Культура и искусство"),
    "Latviešu valoda": ("Latvian", "Латышский язык"),
    "Latviešu valoda un literatūra": ("Latvian language and literature", "Латышский язык и литература"),
    "Literatūra": ("Literature", "Литература"),
    "Latvijas un pasaules vēsture": ("History of Latvia and the world", "История Латвии и мира"),
    "Matemātika": ("Mathematics", "Математика"),
    "Mūzika": ("Music", "Музыка"),
    "Pirmsskolas rotaļnodarbība": ("Preschool play session", "Дошкольное игровое занятие"),
    "Programmēšana": ("Programming", "Программирование"),
    "Sociālās zinātnes": ("Social sciences", "Социальные науки"),
    "Sociālās zinības": ("Social studies", "Обществоведение"),
    "Sporta treniņš": ("Sports training", "Спортивная тренировка"),
    "Sports un veselība": ("Sport and health", "Спорт и здоровье"),
    "Vizuālā māksla": ("Visual art", "Изобразительное искусство"),
    "Vācu valoda": ("German", "Немецкий язык"),
    "Vēsture": ("History", "История"),
    "Ģeogrāfija": ("Geography", "География"),
    "Ķīmija": ("Chemistry", "Химия"),
    "Sākumskola": ("Primary school", "Начальная школа"),
    "Franču valoda": ("French", "Французский язык"),
    "Informātika": ("Informatics", "Информатика"),
}

#: The models whose rows these texts translate.
MODELS = ("CriterionGroup", "Criterion", "AnswerScale", "ScaleOption", "FrameworkArea", "FrameworkCriterion", "Subject")


#: Fill the blank translations of these rows (the data migration and the `ensure_…` functions call it).
fill = reference_filler("quality", MODELS, TRANSLATIONS)
