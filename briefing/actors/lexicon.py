"""The actors stage's English word lists, each a data file in `briefing/data/words/english/`.

Read once, here, through ``briefing.nlp.wordlists``; the tagger, the speaker rules and the
heading evidence import them from this module, so no list is read or kept twice.
"""

from __future__ import annotations

from briefing.nlp.wordlists import word_list, word_set

# Titles that precede a person's name; they are not part of the name span.
PERSON_TITLES = word_set("person_titles")
# Titles that only ever precede people: a span right after one is a person.
STRONG_PERSON_TITLES = word_set("strong_person_titles")
MALE_TITLES = word_set("male_titles")
FEMALE_TITLES = word_set("female_titles")
# Last words that make a run an organisation.
ORG_SUFFIXES = word_set("org_suffixes")
# First words that make a run an organisation ("Bank of England", "Ministry of Defence").
ORG_PREFIXES = word_set("org_prefixes")
# Last words of events and titles of works (CoNLL MISC), never an actor.
EVENT_SUFFIXES = word_set("event_suffixes")
# Words that may join an organisation name when the run already looks like one.
ORG_INNER = word_set("org_inner")
NAME_PARTICLES = word_set("name_particles")
LOC_SUFFIXES = word_set("loc_suffixes")
LOC_PREFIXES = word_set("loc_prefixes")
DIRECTIONS = word_set("directions")
# Capitalised words that are never an entity on their own.
NON_ENTITIES = word_set("non_entities")
# Connector-free, capitalised function words that often start sentences and headlines.
SENTENCE_STARTERS = word_set("sentence_starters")
# Verbs that report speech: the tagger's "X said" cue and the speaker rules read this one list.
SPEECH_VERBS = word_set("speech_verbs")
# After a sentence-initial word these show it is the subject, so likely a name: "Nike has".
NAME_FOLLOWERS = word_set("name_followers")
POSSESSIVE_DETERMINERS = word_set("possessive_determiners")
# Words that never start a name, even mid-sentence ("Tide Road's How to Leave a City").
FUNCTION_WORDS = word_set("function_words")
# Cue words around a span that hint at a sports team (CoNLL ORG) rather than a place.
TEAM_CUES = word_set("team_cues")
TEAM_NAMES = word_set("team_names")
# Common nouns that make the name before them a place: "the Old Mill bridge".
PLACE_NOUNS = word_set("place_nouns")
# "in X" makes a lone unknown X a place, "the mayor of X" too, but not "shares in X".
PLACE_PREPOSITIONS = word_set("place_prepositions")
PLACE_OWNERS = word_set("place_owners")
HOLDING_WORDS = word_set("holding_words")
# The noun before a name says what it is: "oil firm X" a company, "coach X Y" a person.
COMPANY_NOUNS = word_set("company_nouns")
PERSON_NOUNS = word_set("person_nouns")
NUMBER_WORDS = word_set("number_words")
# What the GeoNames file lacks: countries as news names them, regions; nationality words.
EXTRA_COUNTRIES = word_list("extra_countries")
EXTRA_PLACES = word_list("extra_places")
DEMONYMS = word_list("demonyms")
# The speaker and subject rules: words between a speaker and "said", clause openers,
# words that join two actors, conjunctions, common finite verbs, apposition openers.
SPEAKER_SKIPPABLE = word_set("speaker_skippable")
CLAUSE_OPENERS = word_set("clause_openers")
LINKING_WORDS = word_set("linking_words")
LEADING_CONJUNCTIONS = word_set("leading_conjunctions")
MAIN_VERBS = word_set("main_verbs")
APPOSITIVE_OPENERS = word_set("appositive_openers")
# Heading evidence: "the film X" is a work, "X shares" a company, "X fans" a club.
WORK_NOUNS = word_set("work_nouns")
COMPANY_FOLLOWERS = word_set("company_followers")
TEAM_FOLLOWERS = word_set("team_followers")
