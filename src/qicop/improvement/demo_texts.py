"""The words of the improvement demo (demo.py): each collaborative's driver diagram, the network's change
ideas with what teams wrote while testing them, and the sentences of monthly reports. Kenyan and Thai teams
write in English, Haitian teams in French, as their programmes do; the library's titles are in English,
the network's common language."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Narrative:
    """How a team tells one change idea's PDSA cycles, in one language."""

    short: str  # the idea as a cycle's title starts
    act: str  # what the team does ("review every viral-load result the day it arrives")
    who: str
    unit: str  # the process measure the cycle counts ("results reviewed the day they arrive")
    effect: str  # what the team expects for clients
    scales: tuple[str, ...]  # from a small test to the routine, one per cycle of a ramp
    problems: tuple[str, ...]
    learned: tuple[str, ...]
    adapt: tuple[str, ...]  # how an adapted cycle changes the next
    abandon: str


@dataclass(frozen=True)
class Idea:
    code: str
    title: str
    description: str
    indicator: str  # the network indicator's code
    country: str  # first proposed by
    en: Narrative | None = None
    fr: Narrative | None = None


IDEAS = [
    Idea(
        "vl-review",
        "Same-day review of viral-load results",
        "A clinician reviews every viral-load result on the day it arrives from the laboratory and calls "
        "back "
        "every client with a high result within a week.",
        "third-95",
        "KE",
        en=Narrative(
            "Same-day result review",
            "review every viral-load result the day it arrives",
            "The clinical officer on duty and the data clerk",
            "results reviewed the day they arrive",
            "clients with a high viral load are called back within a week",
            (
                "with one clinician for one week",
                "in the adult clinic for two weeks",
                "in the whole comprehensive care clinic for a month",
                "including results from the weekend courier batch",
                "as routine, with the data clerk keeping a daily log",
            ),
            (
                "Results arrived in batches twice a week, not daily.",
                "The clinician on duty was pulled into the ward on two days.",
                "Several phone numbers in the register were out of date.",
                "The lab portal was down for three days.",
            ),
            (
                "A named person and a fixed time of day matter more than the form.",
                "Updating phone numbers at every visit made call-backs work.",
                "The data clerk can sort the results so the clinician only reads the high ones.",
                "Clients called back within a week mostly came in the following week.",
            ),
            (
                "Next: the data clerk sorts results every morning before the clinic opens.",
                "Next: check and update phone numbers at every refill visit.",
                "Next: extend to the prevention of mother-to-child transmission clinic.",
            ),
            "Results still arrive too irregularly for a daily review; we wait for the courier schedule.",
        ),
    ),
    Idea(
        "eac",
        "Enhanced adherence counselling after every high viral load",
        "Every client with 1,000 copies/mL or more gets three monthly enhanced adherence counselling "
        "sessions, "
        "then a repeat viral load; the counsellor tracks each client on a register.",
        "third-95",
        "KE",
        en=Narrative(
            "Enhanced adherence counselling",
            "start enhanced adherence counselling within two weeks of every high result",
            "The adherence counsellor and a peer educator",
            "clients with a high result who started counselling within two weeks",
            "most clients re-suppress at the repeat test",
            (
                "for the five most recent high results",
                "for every high result of one month",
                "for all high results, with a counselling register",
                "with home visits for clients who miss a session",
                "as routine, reviewed at the monthly QI meeting",
            ),
            (
                "The counselling room was shared with HIV testing services.",
                "Some clients could not come back within two weeks because of transport costs.",
                "Repeat viral-load samples were drawn late for a third of the clients.",
            ),
            (
                "Booking the first session on the day of the call-back halved the delays.",
                "Peer educators reached clients the clinic could not phone.",
                "Drawing the repeat sample at the third session made the follow-up complete.",
            ),
            (
                "Next: book the first session while the client is on the phone.",
                "Next: add a peer educator for clients who miss a session.",
                "Next: draw the repeat sample at the third session.",
            ),
            "Without a private room, clients would not talk openly; we raise it with the county first.",
        ),
    ),
    Idea(
        "tld",
        "Switch eligible clients to TLD",
        "Review the regimen of every adult on an older first-line regimen and switch those eligible to "
        "tenofovir–lamivudine–dolutegravir (TLD), with counselling on the new pill.",
        "third-95",
        "KE",
        en=Narrative(
            "TLD switch",
            "review regimens and switch eligible adults to TLD",
            "The clinical officer and the pharmacist",
            "eligible adults switched to TLD",
            "fewer clients fail on an older regimen",
            (
                "for clients seen on one clinic day",
                "for all adults on efavirenz seen in two weeks",
                "for every adult at their next refill",
                "including women of child-bearing age after counselling",
                "as routine, with the pharmacist checking every prescription",
            ),
            (
                "TLD stock at the facility covered only two weeks.",
                "Some clients worried about the new pill and asked for time.",
                "Files did not always show the current regimen.",
            ),
            (
                "Counselling before the switch day made clients accept the new pill.",
                "Ordering TLD a month ahead avoided the stock-out.",
                "The pharmacist is the best place to catch clients not yet switched.",
            ),
            (
                "Next: counsel at the visit before the switch.",
                "Next: order TLD with the monthly report, not when stock runs low.",
                "Next: the pharmacist flags every prescription still on an older regimen.",
            ),
            "The county's TLD supply was interrupted; we pause until deliveries are regular.",
        ),
    ),
    Idea(
        "refill-groups",
        "Community ART refill groups",
        "Stable clients form groups of up to six; each month one member collects refills for all and reports "
        "how everyone is doing; clinic visits fall to twice a year.",
        "third-95",
        "KE",
        en=Narrative(
            "Community refill groups",
            "enrol stable clients in community ART refill groups",
            "The nurse in charge and two peer educators",
            "stable clients enrolled in a group",
            "clinic time goes to clients with a high viral load",
            (
                "with one group of six clients",
                "with three groups from one village",
                "with every eligible client at their next visit",
                "with groups meeting in two more villages",
                "as routine, with group registers checked monthly",
            ),
            (
                "Some clients did not want neighbours to know their status.",
                "Refill packs for the groups were not ready on the collection day.",
                "Group leaders did not always report a member's problems.",
            ),
            (
                "Groups formed by clients themselves held together better.",
                "Preparing packs the day before kept the collection short.",
                "A simple group card made the leaders' reports reliable.",
            ),
            (
                "Next: let clients choose their own group members.",
                "Next: pharmacy prepares packs the day before collection.",
                "Next: give every group leader a card to report members' problems.",
            ),
            "Clients preferred fast-track pick-up at the clinic to groups in the village.",
        ),
        fr=Narrative(
            "Groupes communautaires de ravitaillement",
            "inscrire les patients stables dans des groupes communautaires de ravitaillement",
            "L'infirmière responsable et deux accompagnateurs",
            "patients stables inscrits dans un groupe",
            "le temps de consultation revient aux patients en difficulté",
            (
                "avec un groupe de six patients",
                "avec trois groupes d'une même localité",
                "avec chaque patient éligible à sa prochaine visite",
                "avec des groupes dans deux autres localités",
                "en routine, avec un registre de groupe vérifié chaque mois",
            ),
            (
                "Certains patients craignaient que leurs voisins apprennent leur statut.",
                "Les colis de médicaments n'étaient pas prêts le jour du ravitaillement.",
                "La route a été coupée par les pluies pendant une semaine.",
            ),
            (
                "Les groupes choisis par les patients eux-mêmes tiennent mieux.",
                "Préparer les colis la veille raccourcit le ravitaillement.",
                "Une fiche simple rend fiables les rapports des chefs de groupe.",
            ),
            (
                "Suite : laisser les patients choisir les membres de leur groupe.",
                "Suite : la pharmacie prépare les colis la veille.",
                "Suite : une fiche de suivi pour chaque chef de groupe.",
            ),
            "L'insécurité sur la route empêche les groupes de se réunir ; nous reprendrons plus tard.",
        ),
    ),
    Idea(
        "vl-due-flags",
        "Flag clients due for viral load in the appointment register",
        "The data clerk marks, a month ahead, every client due for a viral-load test, so the sample is "
        "drawn on "
        "the day of the visit.",
        "vl-coverage",
        "KE",
        en=Narrative(
            "Viral-load due flags",
            "flag clients due for viral load in the appointment register",
            "The data clerk and the triage nurse",
            "clients due for viral load who had a sample drawn at their visit",
            "fewer clients go a year without a result",
            (
                "for one clinic day",
                "for two weeks of appointments",
                "for every appointment in the month",
                "with a coloured sticker on the file as well",
                "as routine, checked weekly by the nurse in charge",
            ),
            (
                "The register had no column for the due date.",
                "Sample bottles ran out on a busy Monday.",
                "Flags were missed when the triage nurse was on leave.",
            ),
            (
                "A sticker on the file is seen by everyone who handles it.",
                "Flagging a month ahead leaves time to order bottles.",
                "The check needs a back-up person, not only the triage nurse.",
            ),
            (
                "Next: add a sticker on the file.",
                "Next: order sample bottles from the flagged list.",
                "Next: train a second nurse to check the flags.",
            ),
            "The electronic record now flags due tests itself; the paper register adds nothing.",
        ),
    ),
    Idea(
        "teen-clubs",
        "Saturday teen clubs",
        "Adolescents on ART meet on Saturday mornings: refills, viral-load samples and a peer-led session, "
        "without missing school.",
        "third-95",
        "KE",
        en=Narrative(
            "Saturday teen club",
            "see adolescents in a Saturday teen club",
            "A clinician, a counsellor and two young peer leaders",
            "adolescents attending the club",
            "adolescents keep their appointments and re-suppress",
            (
                "with one club of ten adolescents",
                "with two clubs by age group",
                "with every adolescent on ART",
                "with a caregivers' session in the same morning",
                "as routine, every second Saturday",
            ),
            (
                "Staff overtime for Saturdays was not approved at first.",
                "Some adolescents had chores or church on Saturday mornings.",
                "Caregivers wanted their own session.",
            ),
            (
                "Peer leaders brought adolescents who had stopped coming.",
                "Two age groups talk more openly than one.",
                "A session for caregivers helps disclosure at home.",
            ),
            (
                "Next: split the club by age group.",
                "Next: add a caregivers' session.",
                "Next: meet every second Saturday to fit staff rotas.",
            ),
            "Staff could not be spared on Saturdays; adolescents are seen after school instead.",
        ),
    ),
    Idea(
        "sms-results",
        "Viral-load results by text message",
        "Clients who agree receive a text message when their viral-load result is back, suppressed or not.",
        "third-95",
        "KE",
        en=Narrative(
            "Results by text",
            "send clients a text message when their result is back",
            "The data clerk",
            "clients who received their result by text",
            "clients with a high result come back sooner",
            (
                "for twenty consenting clients",
                "for all consenting clients of one month",
                "for all consenting clients",
                "with a call for every high result",
                "as routine",
            ),
            (
                "Many clients share a phone with family members.",
                "Clients worried that the message would disclose their status.",
            ),
            (
                "A neutral text asking to call the clinic is safer than the result itself.",
                "Phone calls by a counsellor work better than texts for high results.",
            ),
            ("Next: send a neutral message asking the client to call the clinic.",),
            "Shared phones make texts about results unsafe; we call clients instead.",
        ),
    ),
    Idea(
        "tracing",
        "Same-week tracing of missed appointments",
        "Every client who misses an appointment is phoned within two days and visited at home within a week "
        "by a community health worker.",
        "retention-12m",
        "HT",
        fr=Narrative(
            "Recherche active des rendez-vous manqués",
            "rechercher dans la semaine chaque patient qui manque son rendez-vous",
            "Le travailleur social et les agents de santé communautaires",
            "patients absents contactés dans la semaine",
            "moins de patients sont perdus de vue",
            (
                "pour les absents d'une semaine",
                "pour les absents d'un mois",
                "pour tous les absents, avec un registre de recherche",
                "avec visite à domicile si le téléphone ne répond pas",
                "en routine, revue chaque vendredi en équipe",
            ),
            (
                "Beaucoup de numéros de téléphone étaient faux ou coupés.",
                "Les agents de santé communautaires n'avaient pas de frais de transport.",
                "Certains patients avaient déménagé à Port-au-Prince sans le dire.",
            ),
            (
                "Vérifier l'adresse et le téléphone à chaque visite rend la recherche possible.",
                "Un appel le lendemain du rendez-vous manqué ramène la moitié des patients.",
                "La revue du vendredi évite que des absents soient oubliés.",
            ),
            (
                "Suite : vérifier le téléphone et l'adresse à chaque visite.",
                "Suite : appeler dès le lendemain du rendez-vous manqué.",
                "Suite : revue des absents chaque vendredi en équipe.",
            ),
            "Sans frais de transport pour les agents, les visites à domicile ne se font pas.",
        ),
    ),
    Idea(
        "peer-navigators",
        "Peer navigators for new clients",
        "A person living with HIV accompanies each newly diagnosed client through the first six months: the "
        "first visits, the first refills, the first viral-load test.",
        "retention-12m",
        "HT",
        en=Narrative(
            "Peer navigators",
            "pair every newly diagnosed client with a peer navigator",
            "Two peer navigators and the counsellor",
            "new clients paired with a navigator on the day of diagnosis",
            "new clients start treatment and stay in care",
            (
                "for new clients of one week",
                "for new clients of one month",
                "for every new client",
                "including clients referred from community testing",
                "as routine, with navigators at the weekly team meeting",
            ),
            (
                "Only one navigator was available on some days.",
                "Some clients did not want to be seen with a peer.",
                "Navigators' stipends were paid late.",
            ),
            (
                "Clients accept a navigator best on the day of diagnosis.",
                "Navigators are most useful in the first three months.",
                "Navigators at the team meeting bring the clients' view.",
            ),
            (
                "Next: introduce the navigator at the result-giving session.",
                "Next: add a second navigator for busy days.",
                "Next: invite navigators to the weekly team meeting.",
            ),
            "Without stipends the navigators could not continue.",
        ),
        fr=Narrative(
            "Accompagnateurs pairs",
            "confier chaque nouveau patient à un accompagnateur pair",
            "Deux accompagnateurs pairs et le conseiller",
            "nouveaux patients confiés à un accompagnateur le jour du diagnostic",
            "les nouveaux patients restent dans les soins",
            (
                "pour les nouveaux patients d'une semaine",
                "pour les nouveaux patients d'un mois",
                "pour chaque nouveau patient",
                "y compris les patients référés par le dépistage communautaire",
                "en routine, avec les accompagnateurs à la réunion d'équipe",
            ),
            (
                "Un seul accompagnateur était présent certains jours.",
                "Certains patients ne voulaient pas être vus avec un pair.",
                "Les primes des accompagnateurs ont été payées en retard.",
            ),
            (
                "Le patient accepte mieux l'accompagnateur le jour du diagnostic.",
                "L'accompagnement compte surtout dans les trois premiers mois.",
                "Les accompagnateurs apportent le point de vue des patients à l'équipe.",
            ),
            (
                "Suite : présenter l'accompagnateur lors de l'annonce du résultat.",
                "Suite : un deuxième accompagnateur les jours chargés.",
                "Suite : inviter les accompagnateurs à la réunion hebdomadaire.",
            ),
            "Sans prime, les accompagnateurs ne peuvent pas continuer.",
        ),
    ),
    Idea(
        "mmd",
        "Three-month dispensing for stable clients",
        "Stable clients receive three months of ART at each refill instead of one, so they travel less and "
        "the pharmacy queue shortens.",
        "retention-12m",
        "HT",
        fr=Narrative(
            "Dispensation de trois mois",
            "donner trois mois de traitement aux patients stables",
            "Le pharmacien et le médecin",
            "patients stables recevant trois mois de traitement",
            "les patients se déplacent moins et restent dans les soins",
            (
                "pour vingt patients stables",
                "pour les patients stables d'un jour de consultation",
                "pour tous les patients stables",
                "avec un rappel par téléphone avant chaque ravitaillement",
                "en routine, avec le stock commandé pour trois mois",
            ),
            (
                "Le stock de la pharmacie ne couvrait pas trois mois pour tous.",
                "Le registre de pharmacie ne prévoyait pas les ravitaillements de trois mois.",
            ),
            (
                "Commander le stock à l'avance est la condition de la dispensation multi-mois.",
                "Les patients stables apprécient moins de voyages, surtout ceux qui viennent de loin.",
            ),
            (
                "Suite : commander le stock pour trois mois.",
                "Suite : ajouter une colonne au registre de pharmacie.",
            ),
            "Les ruptures de stock nationales empêchent de donner trois mois.",
        ),
    ),
    Idea(
        "sms-reminders",
        "Appointment reminders by text message",
        "Two days before each appointment, clients who agree receive a neutral text message reminding them "
        "of the date.",
        "retention-12m",
        "HT",
        en=Narrative(
            "Appointment reminders",
            "text clients a neutral reminder two days before their appointment",
            "The data clerk",
            "clients who received a reminder",
            "fewer clients miss their first follow-up visits",
            (
                "for thirty consenting clients",
                "for every new client of one month",
                "for every new client",
                "with a call when the text is not delivered",
                "as routine",
            ),
            (
                "Some numbers were wrong or belonged to a relative.",
                "The clinic phone had no credit for a week.",
            ),
            (
                "A neutral message is accepted by almost everyone.",
                "Reminders help most before the first three visits.",
            ),
            ("Next: check the number with the client at every visit.",),
            "Too many clients share or change phones for reminders to reach them.",
        ),
        fr=Narrative(
            "Rappels de rendez-vous par SMS",
            "envoyer un SMS neutre deux jours avant chaque rendez-vous",
            "L'agent de saisie",
            "patients ayant reçu un rappel",
            "moins de patients manquent leurs rendez-vous",
            (
                "pour trente patients consentants",
                "pour les nouveaux patients d'un mois",
                "pour tous les nouveaux patients",
                "avec un appel si le SMS n'est pas délivré",
                "en routine",
            ),
            (
                "Beaucoup de numéros étaient faux ou appartenaient à un proche.",
                "Le téléphone de la clinique n'avait plus de crédit pendant une semaine.",
            ),
            (
                "Un message neutre est accepté par presque tous.",
                "Les rappels aident surtout avant les trois premières visites.",
            ),
            ("Suite : vérifier le numéro avec le patient à chaque visite.",),
            "Trop de patients partagent ou changent de téléphone pour que les rappels les atteignent.",
        ),
    ),
    Idea(
        "welcome-desk",
        "A welcome desk run by people living with HIV",
        "A desk at the clinic entrance, run by peers, welcomes clients, explains the day's steps and books "
        "the "
        "next appointment before the client leaves.",
        "retention-12m",
        "HT",
        fr=Narrative(
            "Accueil par des pairs",
            "accueillir chaque patient à un bureau tenu par des pairs",
            "Deux pairs éducateurs et l'infirmière",
            "patients partis avec leur prochain rendez-vous",
            "les patients se sentent bien reçus et reviennent",
            (
                "un matin par semaine",
                "tous les matins pendant deux semaines",
                "toute la journée pendant un mois",
                "avec la prise du prochain rendez-vous au bureau",
                "en routine",
            ),
            (
                "Le bureau était dans le couloir, sans confidentialité.",
                "Les pairs manquaient de chaises et de registres.",
            ),
            (
                "Les patients parlent plus facilement à un pair qu'au personnel.",
                "Donner le prochain rendez-vous avant le départ évite les oublis.",
            ),
            (
                "Suite : déplacer le bureau dans un coin plus discret.",
                "Suite : prendre le prochain rendez-vous au bureau.",
            ),
            "Sans local discret, les patients évitent le bureau.",
        ),
    ),
    Idea(
        "rapid-start",
        "Start ART before baseline results",
        "Clients who are ready start ART on the day of diagnosis; baseline tests are drawn the same day and "
        "reviewed at the first follow-up visit, as the national guidelines allow.",
        "same-day-art",
        "TH",
        en=Narrative(
            "Rapid ART start",
            "start ART on the day of diagnosis without waiting for baseline results",
            "The ART clinic physician and the nurse counsellor",
            "newly diagnosed clients who started ART the same day",
            "more clients start treatment on the day they learn their status",
            (
                "for clients diagnosed on one morning a week",
                "for clients diagnosed on weekdays for two weeks",
                "for every client diagnosed in the hospital",
                "including clients referred from the community clinic",
                "as routine, with a checklist for the physician",
            ),
            (
                "Physicians were unsure whether guidelines allowed starting before creatinine results.",
                "Clients diagnosed after 15:00 could not see a physician the same day.",
                "Some clients wanted to tell a partner first.",
            ),
            (
                "A one-page checklist gave physicians the confidence to start the same day.",
                "Afternoon diagnoses need a named physician on call.",
                "Clients who want time are offered a start within seven days, not pushed.",
            ),
            (
                "Next: a one-page checklist for physicians.",
                "Next: a named physician on call for afternoon diagnoses.",
                "Next: offer a start within seven days to clients who want time.",
            ),
            "Physicians would not start before baseline results; we wait for the new national guideline.",
        ),
    ),
    Idea(
        "starter-packs",
        "TLD starter packs at the testing clinic",
        "The testing clinic keeps sealed two-week starter packs of TLD, so a client can start without a "
        "trip to "
        "the hospital pharmacy.",
        "same-day-art",
        "TH",
        en=Narrative(
            "Starter packs",
            "give newly diagnosed clients a two-week TLD starter pack at the testing clinic",
            "The pharmacist and the testing nurse",
            "clients who left the testing clinic with a starter pack",
            "clients start ART without a second queue",
            (
                "with five starter packs for one week",
                "with packs at the testing clinic for two weeks",
                "with packs for every new client",
                "with packs at the community clinic too",
                "as routine, with stock checked every Friday",
            ),
            (
                "The pharmacy required a prescription signed in the pharmacy.",
                "Starter packs expired when few clients were diagnosed.",
            ),
            (
                "A standing order signed by the physician solved the prescription rule.",
                "Small packs checked weekly keep waste low.",
            ),
            (
                "Next: a standing order signed by the ART physician.",
                "Next: check the stock every Friday.",
            ),
            "The pharmacy rules do not allow drugs outside the pharmacy; we use one-stop service instead.",
        ),
    ),
    Idea(
        "one-stop",
        "One-stop service: test, counsel and prescribe in one room",
        "The client stays in one room: the result, counselling, the physician's visit and the first pills, "
        "instead of four queues.",
        "same-day-art",
        "TH",
        en=Narrative(
            "One-stop service",
            "give the result, counselling and the first prescription in one room",
            "The counsellor, the physician and the pharmacist assistant",
            "clients who completed every step in one room",
            "no client is lost between queues",
            (
                "on one afternoon",
                "on two days a week for a month",
                "every weekday",
                "with the pharmacist assistant bringing the pills",
                "as routine",
            ),
            (
                "The physician was called away to the ward.",
                "The room was too small for a partner to join.",
            ),
            (
                "Clients value not having to repeat their story to four people.",
                "A fixed time slot for the physician makes one-stop possible.",
            ),
            (
                "Next: a fixed physician slot in the room.",
                "Next: the pharmacist assistant brings the pills to the room.",
            ),
            "There is no room free for a full day; we keep the starter packs instead.",
        ),
    ),
    Idea(
        "readiness-counselling",
        "Same-day readiness counselling script",
        "Counsellors use a short script that checks readiness to start today and answers the five commonest "
        "worries.",
        "same-day-art",
        "TH",
        en=Narrative(
            "Readiness script",
            "counsel every newly diagnosed client with the same-day readiness script",
            "The nurse counsellors",
            "newly diagnosed clients counselled with the script",
            "clients feel ready to start the same day",
            (
                "with one counsellor for a week",
                "with all counsellors for two weeks",
                "for every newly diagnosed client",
                "with a leaflet in Thai and Burmese",
                "as routine",
            ),
            (
                "The script was too long for a busy clinic.",
                "Migrant clients needed an interpreter.",
            ),
            (
                "Five questions are enough; longer scripts are skipped.",
                "A Burmese leaflet helps migrant clients decide.",
            ),
            (
                "Next: shorten the script to five questions.",
                "Next: add a leaflet in Burmese.",
            ),
            "Counsellors found the script too rigid; they prefer their own words with a checklist.",
        ),
    ),
]

# Kenya's runs 18 months and is still under way in the demo's today (its data's change sits about ten months
# before it, indicators/demo.py CHANGE_MONTHS): a Kenyan team lead has a month to file; Haiti's has ended.
# Collaboratives: (country, name, topic, key measure, other measures with their kind, months, target,
# shared, capital, the venue, the language its teams write in).
COLLABORATIVES = {
    "KE": {
        "name": "Kenya national viral-load suppression collaborative",
        "topic": "Viral-load suppression (the third 95)",
        "key": "third-95",
        "measures": [("vl-coverage", "process"), ("retention-12m", "balancing")],
        "months": 18,
        "target": 92,
        "shared": True,
        "city": "Nairobi",
        "venue": "Kenya School of Government, Lower Kabete",
        "language": "en",
        "aim": "Raise viral-load suppression among people on ART in the {teams} collaborative facilities "
        "from "
        "{baseline} % to {target} % within 18 months.",
        "team_aim": "Raise viral-load suppression among our clients on ART from {baseline} % to {target} % "
        "by the "
        "end of the collaborative.",
    },
    "HT": {
        "name": "Collaboratif national : rétention à 12 mois",
        "topic": "Rétention dans les soins",
        "key": "retention-12m",
        "measures": [("second-95", "process")],
        "months": 18,
        "target": 85,
        "shared": True,
        "city": "Port-au-Prince",
        "venue": "Hôtel Montana, Pétion-Ville",
        "language": "fr",
        "aim": "Porter la rétention à 12 mois des patients sous ARV de {baseline} % à {target} % dans "
        "{teams} "
        "institutions en 18 mois.",
        "team_aim": "Porter la rétention à 12 mois de nos patients de {baseline} % à {target} % d'ici la "
        "fin du "
        "collaboratif.",
    },
    "TH": {
        "name": "Thailand same-day ART collaborative",
        "topic": "Rapid ART initiation",
        "key": "same-day-art",
        "measures": [("retention-12m", "balancing")],
        "months": 24,
        "target": 75,
        "shared": False,
        "city": "Bangkok",
        "venue": "Department of Disease Control, Nonthaburi",
        "language": "en",
        "aim": "Raise the share of newly diagnosed people who start ART on the day of diagnosis from "
        "{baseline} % "
        "to {target} % in {teams} hospitals within two years, without losing more clients at 12 months.",
        "team_aim": "Start {target} % of newly diagnosed clients on ART the same day (from {baseline} %), "
        "without "
        "losing more of them at 12 months.",
    },
}

# Each collaborative's driver diagram: (primary driver, [(secondary driver, [change idea codes])]), in the
# language its teams write. A team's diagram is the collaborative's, with its own aim.
DRIVERS = {
    "KE": [
        (
            "Every client has a timely viral-load result",
            [
                ("Samples drawn when due", ["vl-due-flags"]),
                ("Results reach the clinic and the client fast", ["vl-review", "sms-results"]),
            ],
        ),
        (
            "Clients with a high viral load get effective follow-up",
            [
                ("Enhanced adherence counselling after every high result", ["eac"]),
                ("Timely switch to an effective regimen", ["tld"]),
            ],
        ),
        (
            "Care fits clients' lives (differentiated service delivery)",
            [
                ("Stable clients spend less time at the clinic", ["refill-groups"]),
                ("Adolescents and young people are supported", ["teen-clubs"]),
            ],
        ),
    ],
    "HT": [
        (
            "Les patients connaissent et respectent leurs rendez-vous",
            [
                ("Un rappel avant chaque rendez-vous", ["sms-reminders"]),
                ("Les rendez-vous manqués sont recherchés vite", ["tracing"]),
            ],
        ),
        (
            "Les patients se sentent accueillis et soutenus",
            [
                ("Un soutien par les pairs dès la première visite", ["peer-navigators", "welcome-desk"]),
            ],
        ),
        (
            "Les soins sont faciles d'accès",
            [
                ("Moins de déplacements à la clinique", ["mmd", "refill-groups"]),
            ],
        ),
    ],
    "TH": [
        (
            "Clients are ready to start on the day of diagnosis",
            [
                ("Counselling prepares a same-day start", ["readiness-counselling"]),
                ("Baseline tests do not delay the start", ["rapid-start"]),
            ],
        ),
        (
            "The clinic can start ART on the day",
            [
                ("Drugs and a prescriber at the testing site", ["starter-packs"]),
                ("One room instead of four queues", ["one-stop"]),
            ],
        ),
        (
            "Key populations reach the clinic and stay",
            [
                ("Peers accompany new clients from community testing", ["peer-navigators"]),
                ("New clients keep their first appointments", ["sms-reminders"]),
            ],
        ),
    ],
}

# Per country: the main change idea of each team in turn (the one its data stepped up with), the idea it
# tests next, and an idea some teams try early and mostly drop.
RAMPS = {
    "KE": (
        ["vl-review", "eac", "refill-groups", "tld", "eac", "vl-review", "refill-groups", "eac"],
        ["vl-due-flags", "tld", "teen-clubs", "vl-due-flags"],
        ["sms-results", "teen-clubs"],
    ),
    "HT": (
        [
            "tracing",
            "peer-navigators",
            "tracing",
            "mmd",
            "peer-navigators",
            "tracing",
            "refill-groups",
            "mmd",
        ],
        ["mmd", "welcome-desk", "refill-groups"],
        ["sms-reminders", "welcome-desk"],
    ),
    "TH": (
        ["rapid-start", "starter-packs", "rapid-start", "one-stop", "rapid-start", "starter-packs"],
        ["readiness-counselling", "peer-navigators", "sms-reminders"],
        ["one-stop", "starter-packs"],
    ),
}

# Team members without an account: roles, in the team's language; the last is a consumer representative.
ROLES = {
    "en": (
        "Nurse in charge",
        "Clinical officer",
        "Data clerk",
        "Pharmacist",
        "Peer educator (living with HIV)",
    ),
    "fr": (
        "Infirmière responsable",
        "Médecin",
        "Agent de saisie",
        "Pharmacien",
        "Pair éducateur (vivant avec le VIH)",
    ),
}

# Monthly reports: sentences a team writes, in its language.
REPORT = {
    "en": {
        "tested": "We tested: {titles}.",
        "kept": "We kept {idea} going as routine and tracked it weekly.",
        "forming": "We formed the team, agreed our aim and drew our driver diagram.",
        "barriers": (
            "Staff shortages during the nurses' rotation.",
            "Viral-load results came back late from the regional lab.",
            "Stock-out of sample bottles for a week.",
            "Heavy rains cut the road to two outreach sites.",
            "The data clerk was on leave for two weeks.",
            "Power cuts delayed data entry.",
            "No particular barrier this month.",
        ),
        "help": (
            "Help from our coach to read the run chart.",
            "A visit from the county team to support the lab courier schedule.",
            "Ideas from other teams on tracing clients with wrong phone numbers.",
            "Support to get approval for staff overtime.",
            "None this month.",
            "Training for the new data clerk on the register.",
        ),
        "learned_routine": "The change holds when a named person owns it.",
    },
    "fr": {
        "tested": "Nous avons testé : {titles}.",
        "kept": "Nous avons poursuivi {idea} en routine, avec un suivi chaque semaine.",
        "forming": "Nous avons formé l'équipe, fixé notre objectif et dessiné notre diagramme des facteurs.",
        "barriers": (
            "Manque de personnel pendant la rotation des infirmières.",
            "Les routes bloquées ont empêché deux visites à domicile.",
            "Rupture de stock de formulaires de suivi.",
            "Grève du personnel pendant trois jours.",
            "Panne d'électricité et retard de saisie des données.",
            "Pas d'obstacle particulier ce mois-ci.",
        ),
        "help": (
            "L'aide de notre coach pour lire le graphique.",
            "Des frais de transport pour les agents de santé communautaires.",
            "Les idées des autres équipes sur la recherche des perdus de vue.",
            "Aucune ce mois-ci.",
            "Une formation pour le nouvel agent de saisie.",
        ),
        "learned_routine": "Le changement tient quand une personne nommée en est responsable.",
    },
}

# The coach's reason when the confirmed score differs from the team's own, by the score confirmed.
COACH_REASONS = {
    "en": {
        "below": "Changes are tested but the chart shows no shift yet; {score} until the data moves.",
        "above": "The chart shows a sustained shift; the team underrates its work.",
    },
    "fr": {
        "below": "Les changements sont testés mais le graphique ne montre pas encore de déplacement ; "
        "{score} en attendant.",
        "above": "Le graphique montre un déplacement durable ; l'équipe sous-estime son travail.",
    },
}

# Learning sessions' agenda, in the venue's time: (day, start, end, kind, title).
SESSION_AGENDA = {
    "en": [
        (0, (8, 30), (9, 30), "opening", "Welcome, the aim and the data so far"),
        (0, (9, 30), (12, 30), "discussion", "Storyboard walk: each team's PDSA ramps and charts"),
        (0, (14, 0), (17, 0), "breakout", "Breakouts by change idea"),
        (1, (8, 30), (12, 30), "discussion", "Team time: plan the next action period's cycles"),
        (1, (14, 0), (17, 0), "closing", "Coaching plan and commitments"),
    ],
    "fr": [
        (0, (8, 30), (9, 30), "opening", "Accueil, l'objectif et les données à ce jour"),
        (0, (9, 30), (12, 30), "discussion", "Tour des affiches : les cycles PDSA et graphiques des équipes"),
        (0, (14, 0), (17, 0), "breakout", "Groupes par idée de changement"),
        (1, (8, 30), (12, 30), "discussion", "Temps d'équipe : planifier les cycles de la période d'action"),
        (1, (14, 0), (17, 0), "closing", "Plan de coaching et engagements"),
    ],
}
