"""Small hand-written English word lists the name checks need, in one place.

Written by hand for the checks (no dictionary ships with tarjama): words that are capitalised
in English without being names, so that "Supreme Court" or "President Putin" are not taken
for invented names, and lexicon names that are also ordinary words ("May", "Said").
"""

from __future__ import annotations

__all__ = [
    "AMBIGUOUS_NAMES",
    "COMMON_CAPITALS",
    "FUNCTION_WORDS",
    "GENERIC_NAME_WORDS",
    "NAME_CONNECTORS",
    "TITLES",
]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Titles and offices: "President Putin" names Putin, "Kyiv Mayor" is no longer name.
TITLES = _words(
    """
    president presidents prime minister ministers foreign defence defense interior finance
    secretary general gen mr mrs ms dr sheikh king queen prince princess crown emir sultan
    chancellor senator sen rep governor mayor ambassador envoy spokesman spokeswoman
    spokesperson commander colonel col lt major chief leader pope imam ayatollah judge vice
    deputy high representative commissioner speaker chairman chairwoman director ceo sir lord
    lady premier special former late acting supreme grand caliph patriarch cardinal archbishop
    bishop rabbi brigadier marshal admiral captain sergeant officer lieutenant father brother
    sister saint st fray mister madam
    """
)

#: Frequent function words: capitalised at a sentence start or in a title, never a name.
FUNCTION_WORDS = _words(
    """
    the a an in on at to from by for with of and but or nor as after before when while since
    if that this these those then meanwhile however also both according during under over
    between against about into near across through without within his her their its our my
    your we they he she it i you said says not no yes so there here where which who what why
    how all some many most more other another each every such only even still yet already
    last next first new one two three four five six seven eight nine ten until unlike like
    despite although though because whether than upon via per amid among along around behind
    beyond following including inside outside toward towards whose now today yesterday
    tomorrow earlier later once again is are was were be been has have had will would could
    should may might must can do does did let see just well thus therefore hence instead
    """
)

#: Particles inside names: "Charles de Gaulle", "Mohammed bin Salman", "Bank of England".
NAME_CONNECTORS = _words(
    "al el bin ibn abu bint de da di du dos das van von der den la le of the and y"
)

#: Capitalised words that are not names by themselves: months and days, and the common
#: nouns and adjectives that institutions, places, events and works are named with.
COMMON_CAPITALS = _words(
    """
    january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec
    monday tuesday wednesday thursday friday saturday sunday god allah
    university college school institute academy museum library hospital clinic church mosque
    cathedral temple shrine palace house hall tower towers bridge street road avenue square
    park garden gardens airport station port harbour harbor center centre stadium arena
    theatre theater court courts office department ministry agency council committee
    subcommittee commission board assembly parliament congress senate government
    administration authority bureau service services bank fund company corporation group
    association federation union league society foundation organization organisation
    institution trust party movement alliance coalition front army navy air force forces
    police guard guards brigade brigades division fleet corps command republic kingdom state
    states empire federal national international global world worldwide european asian
    african american arab islamic christian jewish catholic orthodox muslim protestant
    north south east west northern southern eastern western central middle upper lower great
    greater new old holy royal grand united first second third fourth fifth sixth seventh
    eighth ninth tenth last final preliminary cup games olympic olympics paralympic
    championship championships tournament open festival award awards prize medal series
    war wars revolution crisis conference summit day days year years week month century age
    era period river sea ocean lake lakes mountain mountains mount hill hills valley island
    islands bay gulf coast desert forest canyon falls peninsula plain plains strait channel
    city town village province region district county capital area zone territory
    territories land lands prime minister president secretary general chief director
    chairman spokesman leader sir mr mrs ms dr news times post press daily herald journal
    television radio channel network media magazine review report reports act acts law laws
    bill code treaty agreement accord convention declaration charter protocol resolution
    plan program programme project initiative mission operation system systems network
    management development security defence defense health education justice rights human
    civil social economic economy political public private general special supreme high
    higher federal local regional big small little black white red green blue yellow golden
    gold silver iron stone star stars sun moon earth world space race heritage site sites
    list index prix grand day night spring summer autumn fall winter life love peace freedom
    liberty independence victory memorial monument museum tomb gate wall square market
    airline airlines airways air express rail railway railways metro line lines tours tour
    club team fc united city athletic sports sport games football soccer basketball
    baseball tennis golf formula race racing rally marathon
    king queen prince princess emperor empress lord lady saint st
    boy girl man woman men women child children people family brother sister father mother
    son daughter friends
    one two three four five six seven eight nine ten hundred thousand million
    book books story stories show film movie music song album band theatre
    modern ancient classic classical traditional national natural nature wild wildlife
    science sciences technology research studies study medical medicine engineering art arts
    history historical cultural culture civilization civilisation language languages
    english arabic french german spanish russian chinese japanese italian british
    internet web online digital computer phone mobile
    """
)

#: Words too common in names to tell one name from another ("al", "Islands", "National").
GENERIC_NAME_WORDS = _words(
    """
    al el ad as ash at az an ar of the and bin ibn abu bint de du da di le la van von der den
    s u un us jr sr ii iii news party agency islands island national council army
    organization sea south north east west foreign new ministry for security international
    gulf camp union forces arab world islamic democratic central republic state states united
    city mount river lake port front movement people saint st southern northern eastern
    western central
    """
)

#: One-word lexicon names that are also ordinary English words (each seen in lower case in a
#: large English text): on their own they are never taken for the name.
AMBIGUOUS_NAMES = _words(
    """
    alphabet bar begin borne burns cleverly cook fed hajj independent labour map may meta said
    signal tap time zoom chase gates rice brown black white young king love hope grant price
    power strong rich little long short bell wood hill mark rose will faith page renaissance
    """
)
