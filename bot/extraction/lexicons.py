"""Hand-written name lists for the entity rules (victims, attackers, places, products, tools).

Every list here is written from general knowledge of the security-news landscape (well-known
threat actors, security vendors, news outlets, malware families, places); none is derived from
the evaluation articles. Entries are lower case; lookups use ``bot.extraction.mentions.key``-style
folding (lower case, punctuation to spaces).
"""

from __future__ import annotations


def _words(block: str) -> frozenset[str]:
    """One entry per line (entries may contain spaces); blank lines and ``#`` comments skipped."""
    out = set()
    for line in block.splitlines():
        line = line.split("#", 1)[0].strip().lower()
        if line:
            out.add(line)
    return frozenset(out)


# Threat actors: APT groups, ransomware crews, hacktivists, extortion gangs, well-known personas.
# Written from general knowledge (vendor naming schemes: APTnn, FINnn, "X Bear", "X Panda"...).
THREAT_ACTORS = _words("""
apt1
apt3
apt10
apt12
apt17
apt19
apt28
apt29
apt32
apt33
apt34
apt35
apt37
apt38
apt39
apt40
apt41
fin4
fin6
fin7
fin8
fin10
fin11
fancy bear
cozy bear
venomous bear
energetic bear
berserk bear
voodoo bear
primitive bear
sofacy
sednit
strontium
pawn storm
sandworm
sandworm team
turla
dragonfly
the dukes
nobelium
lazarus
lazarus group
hidden cobra
guardians of peace
bluenoroff
andariel
kimsuky
apt-c-36
equation group
the equation group
shadow brokers
the shadow brokers
shadowbrokers
carbanak
cobalt group
silence group
moneytaker
magecart
ta505
ta542
evil corp
wizard spider
gold southfield
charming kitten
oilrig
muddywater
elfin
refined kitten
helix kitten
stone panda
cloudhopper
menupass
deep panda
comment crew
winnti
winnti group
double dragon
ocean lotus
oceanlotus
callisto group
darkhotel
dark hotel
patchwork
sidewinder
transparent tribe
gamaredon
anonymous
lulzsec
lizard squad
syrian electronic army
the syrian electronic army
cutting sword of justice
ourmine
ghost squad hackers
the dark overlord
thedarkoverlord
dark overlord
turkish crime family
the turkish crime family
rex mundi
armada collective
fsociety
cyber caliphate
isis hackers
l0rdn3m3s1s
revil
sodinokibi
darkside
conti
lockbit
maze group
ryuk gang
doppelpaymer
clop
cl0p
blackcat
alphv
hive
lapsus$
lapsus
scattered spider
shinyhunters
gnosticplayers
peace_of_mind
xdedic
fxmsp
""")

# Security vendors, research groups and CERTs: quoted as experts, rarely the victim.
# Written from general knowledge of the industry.
SECURITY_FIRMS = _words("""
kaspersky
kaspersky lab
kaspersky labs
symantec
norton
mcafee
trend micro
eset
sophos
sophoslabs
avast
avg
avira
bitdefender
f-secure
malwarebytes
check point
check point research
checkpoint
fireeye
mandiant
crowdstrike
palo alto networks
unit 42
fortinet
fortiguard
proofpoint
cisco talos
talos
recorded future
flashpoint
digital shadows
group-ib
positive technologies
rapid7
tenable
qualys
imperva
akamai
cloudflare
radware
arbor networks
netscout
secureworks
dell secureworks
carbon black
cylance
sentinelone
webroot
zscaler
lookout
zimperium
trustwave
spiderlabs
kroll
verizon
ibm x-force
x-force
ibm security
microsoft threat intelligence
google project zero
project zero
threat analysis group
cert
us-cert
cisa
ncsc
enisa
sans
sans institute
kromtech
upguard
hold security
gemini advisory
intel 471
krebsonsecurity
brian krebs
troy hunt
have i been pwned
haveibeenpwned
ponemon
ponemon institute
identity theft resource center
privacy rights clearinghouse
risk based security
cybereason
darktrace
barracuda
barracuda networks
mimecast
knowbe4
phishlabs
phishme
cofense
agari
avanan
duo security
nccgroup
ncc group
bishop fox
trail of bits
tripwire
veracode
sucuri
wordfence
securelist
bleepingcomputer
id ransomware
nomoreransom
no more ransom
emsisoft
coveware
chainalysis
elliptic
lastline
cyren
comodo
forcepoint
blueliv
minerva labs
morphisec
armis
claroty
dragos
nozomi networks
""")

# News outlets and publications: they report (and are often cited), they are not the victim.
# Written from general knowledge.
NEWS_OUTLETS = _words("""
reuters
associated press
ap
afp
bloomberg
cnn
cnbc
bbc
bbc news
the guardian
guardian
the new york times
new york times
nyt
the washington post
washington post
the wall street journal
wall street journal
wsj
financial times
ft
forbes
fortune
the verge
wired
techcrunch
zdnet
cnet
ars technica
engadget
gizmodo
motherboard
vice
vice news
the register
register
bleeping computer
bleepingcomputer
threatpost
dark reading
securityweek
security week
infosecurity magazine
infosecurity
sc magazine
scmagazine
help net security
hacker news
the hacker news
naked security
krebs on security
cyberscoop
the record
databreaches.net
healthcare it news
computer weekly
computerworld
cso
cso online
network world
pc world
pcworld
pcmag
pc magazine
business insider
insider
usa today
abc news
cbs news
nbc news
fox news
npr
politico
the hill
axios
buzzfeed
buzzfeed news
the intercept
daily mail
the telegraph
telegraph
the independent
independent
the times
the sun
sky news
der spiegel
le monde
the atlantic
newsweek
time
the daily beast
mashable
venturebeat
the next web
tnw
slashdot
softpedia
hackread
graham cluley
sputnik
tass
rt
xinhua
yonhap
kyodo
""")

# Government agencies and bodies that are usually quoted or investigating rather than hit.
# Written from general knowledge; a story can still name one as the victim through a strong cue.
AGENCIES = _words("""
fbi
federal bureau of investigation
department of justice
doj
justice department
department of homeland security
dhs
homeland security
secret service
nsa
national security agency
europol
interpol
ftc
federal trade commission
sec
securities and exchange commission
ico
information commissioner's office
information commissioner
action fraud
national crime agency
nca
fcc
hhs
ocr
office for civil rights
gchq
""")

# Companies and platforms that appear as the vendor/platform of a product rather than a victim
# unless a strong cue says otherwise. Written from general knowledge.
BIG_VENDORS = _words("""
microsoft
google
apple
adobe
oracle
cisco
intel
amd
nvidia
qualcomm
ibm
vmware
samsung
huawei
android
windows
linux
ios
macos
""")

# Operating systems, file formats, protocols, programming languages and software components: the
# technology an attack uses or runs on ("decoy PDF files", "Windows and Unix hacking tools"), not
# an organisation. A victim only as its users ("Windows users"). Written from general knowledge;
# services that are themselves breached (databases, cloud storage, browsers' vendors) are left out.
PLATFORMS = _words("""
windows
windows xp
windows vista
windows server
windows defender
microsoft windows
linux
unix
freebsd
ubuntu
debian
red hat
centos
chrome os
pdf
doc
docx
xls
xlsx
rtf
zip
rar
jpeg
png
svg
ole
microsoft ole
dde
oauth
saml
openid
ldap
kerberos
ntlm
javascript
java
python
php
powershell
visual basic
vba
flash
adobe flash
flash player
silverlight
activex
net framework
word
excel
powerpoint
microsoft word
microsoft excel
microsoft powerpoint
microsoft office
""")


# Malware families, ransomware, exploit kits, RATs and botnets (tools, never victims).
# Written from general knowledge of well-known families.
MALWARE = _words("""
wannacry
wanna decryptor
wanacrypt0r
wannacrypt
notpetya
petya
goldeneye
bad rabbit
badrabbit
ryuk
samsam
locky
cerber
cryptolocker
cryptowall
teslacrypt
torrentlocker
jigsaw
gandcrab
dharma
crysis
sodinokibi
revil
maze
lockbit
conti
darkside
netwalker
egregor
ragnar locker
doppelpaymer
bitpaymer
dridex
emotet
trickbot
qakbot
qbot
zeus
zbot
gameover zeus
citadel
ursnif
gozi
tinba
shylock
carberp
vawtrak
neverquest
hancitor
pony
fareit
lokibot
formbook
agent tesla
nanocore
njrat
darkcomet
poison ivy
plugx
gh0st
gh0st rat
blackenergy
industroyer
crashoverride
triton
trisis
stuxnet
duqu
flame
shamoon
mirai
hajime
brickerbot
reaper
satori
necurs
kelihos
andromeda
gamarue
conficker
marcher
anubis
bankbot
slocker
simplelocker
xagent
x-agent
sofacy malware
chopstick
sednit malware
backoff
blackpos
pos malware
ramnit
coinhive
adwind
jrat
remcos
azorult
raccoon
vidar
redline
cobalt strike
mimikatz
metasploit
eternalblue
eternalromance
doublepulsar
angler
angler exploit kit
rig
rig exploit kit
neutrino
magnitude
nuclear exploit kit
sundown
blackhole
fallout exploit kit
lockcrypt
mircop
filecoder
macdownloader
xcodeghost
judy
hummingbad
gooligan
triada
xavier
pegasus
finfisher
finspy
hacking team
galileo
olympic destroyer
vpnfilter
slingshot
""")

# US states (and their common newspaper abbreviations), written from general knowledge.
US_STATES = _words("""
alabama
alaska
arizona
arkansas
california
colorado
connecticut
delaware
florida
georgia
hawaii
idaho
illinois
indiana
iowa
kansas
kentucky
louisiana
maine
maryland
massachusetts
michigan
minnesota
mississippi
missouri
montana
nebraska
nevada
new hampshire
new jersey
new mexico
new york
north carolina
north dakota
ohio
oklahoma
oregon
pennsylvania
rhode island
south carolina
south dakota
tennessee
texas
utah
vermont
virginia
washington
west virginia
wisconsin
wyoming
puerto rico
district of columbia
""")

# Canadian provinces, UK nations, Australian states and other sub-national regions often named.
REGIONS = _words("""
ontario
quebec
british columbia
alberta
manitoba
saskatchewan
nova scotia
new brunswick
newfoundland
scotland
wales
england
northern ireland
new south wales
victoria
queensland
tasmania
bavaria
catalonia
kerala
maharashtra
karnataka
tamil nadu
punjab
gujarat
delhi
hong kong
macau
taiwan
crimea
siberia
kashmir
europe
asia
africa
north america
south america
latin america
central america
middle east
the middle east
eastern europe
western europe
southeast asia
south east asia
east asia
asia pacific
asia-pacific
apac
emea
scandinavia
the balkans
balkans
gulf
persian gulf
caribbean
oceania
""")

# Major cities that news copy names without a country. Written from general knowledge.
CITIES = _words("""
new york city
los angeles
chicago
houston
phoenix
philadelphia
san antonio
san diego
dallas
san jose
austin
jacksonville
san francisco
columbus
fort worth
indianapolis
charlotte
seattle
denver
boston
el paso
nashville
detroit
oklahoma city
portland
las vegas
memphis
louisville
baltimore
milwaukee
albuquerque
tucson
fresno
sacramento
atlanta
kansas city
miami
raleigh
omaha
minneapolis
cleveland
tulsa
oakland
tampa
new orleans
wichita
pittsburgh
cincinnati
st. louis
st louis
orlando
salt lake city
honolulu
anchorage
buffalo
newark
richmond
hartford
providence
silicon valley
washington d.c.
washington dc
london
manchester
birmingham
liverpool
leeds
glasgow
edinburgh
cardiff
belfast
dublin
paris
lyon
marseille
berlin
munich
frankfurt
hamburg
cologne
amsterdam
rotterdam
the hague
brussels
luxembourg
zurich
geneva
vienna
prague
warsaw
budapest
bucharest
sofia
athens
rome
milan
madrid
barcelona
lisbon
copenhagen
stockholm
oslo
helsinki
tallinn
riga
vilnius
kiev
kyiv
moscow
st. petersburg
saint petersburg
minsk
istanbul
ankara
tel aviv
jerusalem
tehran
riyadh
dubai
abu dhabi
doha
cairo
lagos
nairobi
johannesburg
cape town
mumbai
new delhi
bangalore
bengaluru
hyderabad
chennai
kolkata
pune
karachi
lahore
islamabad
dhaka
beijing
shanghai
shenzhen
guangzhou
tokyo
osaka
seoul
pyongyang
taipei
singapore
kuala lumpur
jakarta
manila
bangkok
hanoi
ho chi minh city
sydney
melbourne
brisbane
perth
adelaide
canberra
auckland
wellington
toronto
montreal
vancouver
ottawa
calgary
quebec city
mexico city
sao paulo
rio de janeiro
buenos aires
santiago
lima
bogota
caracas
""")

# Nationality/demonym adjectives -> country (attacker nationality cues: "Russian hackers").
DEMONYMS = {
    "russian": "Russia",
    "chinese": "China",
    "north korean": "North Korea",
    "iranian": "Iran",
    "ukrainian": "Ukraine",
    "american": "United States",
    "british": "United Kingdom",
    "israeli": "Israel",
    "turkish": "Turkey",
    "syrian": "Syria",
    "vietnamese": "Vietnam",
    "pakistani": "Pakistan",
    "indian": "India",
    "brazilian": "Brazil",
    "nigerian": "Nigeria",
    "romanian": "Romania",
    "bangladeshi": "Bangladesh",
    "palestinian": "Palestine",
    "saudi": "Saudi Arabia",
    "german": "Germany",
    "french": "France",
    "dutch": "Netherlands",
    "lithuanian": "Lithuania",
    "bulgarian": "Bulgaria",
    "moroccan": "Morocco",
    "algerian": "Algeria",
    "indonesian": "Indonesia",
    "kremlin-backed": "Russia",
    "iraqi": "Iraq",
    "egyptian": "Egypt",
    "tunisian": "Tunisia",
    "malaysian": "Malaysia",
    "south korean": "South Korea",
    "korean": "Korea",
    "japanese": "Japan",
    "italian": "Italy",
    "spanish": "Spain",
    "polish": "Poland",
    "estonian": "Estonia",
    "latvian": "Latvia",
    "belarusian": "Belarus",
    "serbian": "Serbia",
    "albanian": "Albania",
    "lebanese": "Lebanon",
    "afghan": "Afghanistan",
    "canadian": "Canada",
    "australian": "Australia",
    "mexican": "Mexico",
    "ghanaian": "Ghana",
    "kenyan": "Kenya",
    "filipino": "Philippines",
    "thai": "Thailand",
    "taiwanese": "Taiwan",
    "kazakh": "Kazakhstan",
    "georgian": "Georgia",
    "armenian": "Armenia",
    "azerbaijani": "Azerbaijan",
    "qatari": "Qatar",
    "emirati": "United Arab Emirates",
    "norwegian": "Norway",
    "swedish": "Sweden",
    "danish": "Denmark",
    "finnish": "Finland",
    "greek": "Greece",
    "hungarian": "Hungary",
    "czech": "Czechia",
    "slovak": "Slovakia",
    "swiss": "Switzerland",
    "austrian": "Austria",
    "belgian": "Belgium",
    "irish": "Ireland",
    "scottish": "United Kingdom",
    "welsh": "United Kingdom",
    "english": "United Kingdom",
    "european": "Europe",
    "asian": "Asia",
    "african": "Africa",
    "arab": "Middle East",
}

# Technology and generic words that get capitalized but name no organisation ("DDoS", "PCs",
# "Internet"). Written from general knowledge.
GENERIC_CAPS = _words("""
ddos
dos
pc
pcs
it
iot
vpn
api
ip
url
sms
atm
atms
pos
cms
usb
ssl
tls
http
https
html
sql
internet
web
online
email
emails
e-mail
dark web
darkweb
deep web
cloud
bitcoin
bitcoins
btc
monero
ethereum
cryptocurrency
tor
wi-fi
wifi
bluetooth
gps
smb
smbs
saas
ai
ceo
cto
ciso
cfo
pii
phi
gdpr
hipaa
pci
pci dss
ssn
ssns
ransomware
malware
trojan
botnet
phishing
spam
zero-day
cve
covid
government
police
state
internet of things
things
isp
isps
dns
ftp
rdp
ssh
smtp
voip
nas
scada
ics
os
app
apps
christmas
thanksgiving
easter
halloween
black friday
cyber monday
new year
new year's
valentine's day
ramadan
data
business email
business e-mail
business email compromise
bec
""")

# Brands, platforms and agencies that phishing lures commonly impersonate ("an email that appears
# to come from FedEx"). In a phishing story such a name is the bait, not the victim, unless the
# article speaks of its users ("Gmail users"). Written from general knowledge of phishing lures.
IMPERSONATED_BRANDS = _words("""
google
gmail
google docs
google drive
youtube
microsoft
office 365
office
outlook
onedrive
sharepoint
skype
apple
icloud
itunes
app store
apple store
amazon
amazon web services
aws
paypal
ebay
netflix
spotify
facebook
instagram
whatsapp
messenger
twitter
linkedin
snapchat
dropbox
docusign
adobe
fedex
dhl
ups
usps
royal mail
irs
internal revenue service
hmrc
tax department
department of revenue
social security
social security administration
chase
wells fargo
bank of america
citibank
hsbc
barclays
lloyds
natwest
santander
american express
visa
mastercard
western union
yahoo
aol
steam
blockchain
blockchain info
coinbase
binance
metamask
""")

# Abbreviations of US states and Canadian provinces that follow a town name in news copy
# ("Spring Hill, Tenn."). Written from AP style.
STATE_ABBREVIATIONS = _words("""
ala
ariz
ark
calif
colo
conn
del
fla
ga
ill
ind
kan
kans
ky
la
md
mass
mich
minn
miss
mo
mont
neb
nev
okla
ore
pa
tenn
tex
vt
va
wash
wis
wyo
ont
""")
