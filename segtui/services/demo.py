"""Demo data: a small business's CRM, from 300 to a million contacts, deterministic per seed.

`fill_demo(contacts, seed)` adds setup (salespeople, countries, languages, groups, interaction
templates with a Word letter, a campaign, company information), then companies each followed by
their persons (CT000001...), their links to mailing groups, industry groups, business relations
and job responsibilities, and two past logged segments with interactions.

Speed: rows come from precomputed pools picked by index (no per-row formatting beyond a few
f-strings) and go to the database in big batches inside one transaction. On SQLite the rows go
through the raw connection's executemany and the secondary indexes of the empty tables are
dropped first and built once at the end (building an index from sorted data is much cheaper than
maintaining it row by row). Other databases use peewee insert_many in chunks.
"""
import bisect
import datetime as dt
import itertools
import queue
import random
import threading
import time
import unicodedata
from typing import Any

from .. import db as dbmod
from ..errors import SegtuiError
from ..models import (
    BusinessRelation,
    Campaign,
    CampaignEntry,
    CompanyInformation,
    Contact,
    ContactBusinessRelation,
    ContactIndustryGroup,
    ContactJobResponsibility,
    ContactMailingGroup,
    Country,
    IndustryGroup,
    InteractionGroup,
    InteractionLogEntry,
    InteractionTemplate,
    InteractionTemplateAttachment,
    JobResponsibility,
    Language,
    LoggedSegment,
    MailingGroup,
    NumberSeries,
    Salesperson,
    database,
)
from .default_letter import build_default_letter

CHUNK = 20_000  # contacts per batch (bounded memory, progress steps)

# --- setup data --------------------------------------------------------------------------

LANGUAGES = [  # code, name, date format
    ("DEU", "German", "%d.%m.%Y"), ("DES", "German (Switzerland)", "%d.%m.%Y"),
    ("ENU", "English (United States)", "%m/%d/%Y"), ("ENG", "English (United Kingdom)", "%d/%m/%Y"),
    ("ENC", "English (Canada)", "%Y-%m-%d"), ("ENA", "English (Australia)", "%d/%m/%Y"),
    ("FRA", "French", "%d/%m/%Y"), ("FRB", "French (Belgium)", "%d/%m/%Y"),
    ("NLD", "Dutch", "%d-%m-%Y"), ("NLB", "Dutch (Belgium)", "%d/%m/%Y"),
    ("ESP", "Spanish", "%d/%m/%Y"), ("PTG", "Portuguese", "%d/%m/%Y"), ("ITA", "Italian", "%d/%m/%Y"),
    ("DAN", "Danish", "%d-%m-%Y"), ("SVE", "Swedish", "%Y-%m-%d"), ("NOR", "Norwegian", "%d.%m.%Y"),
    ("FIN", "Finnish", "%d.%m.%Y"), ("ISL", "Icelandic", "%d.%m.%Y"), ("PLK", "Polish", "%d.%m.%Y"),
    ("CSY", "Czech", "%d.%m.%Y"), ("SKY", "Slovak", "%d.%m.%Y"), ("HUN", "Hungarian", "%Y.%m.%d."),
    ("SLV", "Slovenian", "%d.%m.%Y"), ("HRV", "Croatian", "%d.%m.%Y"), ("ETI", "Estonian", "%d.%m.%Y"),
    ("LVI", "Latvian", "%d.%m.%Y"), ("LTH", "Lithuanian", "%Y-%m-%d"),
]

# Names, streets and company words per language group.
# names: (male first names, female first names, surnames, female surnames or None)
GROUPS: dict[str, dict[str, Any]] = {
    "de": dict(
        male="Lukas Jürgen Thomas Stefan Jörg Felix Matthias Maximilian Andreas Michael Klaus Tobias",
        female="Anna Sabine Katrin Monika Ursula Lena Birgit Sophie Julia Claudia Bärbel Nicole",
        surnames="Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Schäfer "
                 "Koch Bauer Richter Klein Wolf Schröder Neumann Schwarz Zimmermann Krüger Hofmann Lange Braun",
        streets="Hauptstraße|Bahnhofstraße|Gartenweg|Schillerstraße|Goethestraße|Industriestraße|Am Markt|"
                "Lindenallee|Kirchplatz|Hafenstraße|Mühlenweg|Friedrichstraße",
        street_fmt="{s} {n}", umlaut=True, word_first=False, partner="& Partner",
        prefixes="Nord|Süd|Rhein|Alpen|Hanse|Elbe|Bayern|Westfalen",
        words=dict(FURNITURE="Möbel", CONSTRUCT="Bau", IT="Software", LOGISTICS="Logistik",
                   FOOD="Feinkost", MACHINERY="Maschinenbau", RETAIL="Handel", CONSULT="Beratung",
                   HEALTH="Medizintechnik", PRINT="Druck")),
    "nl": dict(
        male="Jan Pieter Daan Bram Joris Thijs Sander Ruben Wouter Koen",
        female="Sanne Emma Lotte Femke Eva Anouk Marieke Ilse Noor Fleur",
        surnames="de Jong|Jansen|de Vries|van den Berg|van Dijk|Bakker|Janssen|Visser|Smit|Meijer|de Boer|"
                 "Mulder|Peeters|Maes|Willems|van Leeuwen",
        streets="Kerkstraat|Stationsweg|Dorpsstraat|Molenweg|Industrieweg|Marktplein|Hoofdstraat|Havenkade",
        street_fmt="{s} {n}", word_first=False, partner="& Zonen",
        prefixes="Hollandse|Noord|Zuid|Brabantse|Vlaamse|Delta",
        words=dict(FURNITURE="Meubelen", CONSTRUCT="Bouw", IT="ICT", LOGISTICS="Transport",
                   FOOD="Voeding", MACHINERY="Machinebouw", RETAIL="Handel", CONSULT="Advies",
                   HEALTH="Zorg", PRINT="Drukkerij")),
    "fr": dict(
        male="Jean Pierre Luc François Nicolas Sébastien Stéphane Julien Mathieu Olivier",
        female="Marie Camille Céline Hélène Émilie Chloé Aurélie Isabelle Nathalie Élodie",
        surnames="Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Lefèvre Girard "
                 "Fontaine Rousseau Mercier Lambert",
        streets="rue de la République|avenue Jean Jaurès|rue Victor Hugo|boulevard Pasteur|rue du Commerce|"
                "place de la Gare|rue des Lilas|allée des Tilleuls",
        street_fmt="{n} {s}", word_first=True, partner="& Fils",
        prefixes="Atlantique|Provence|Alsace|Bretagne|Normandie|Lumière",
        words=dict(FURNITURE="Meubles", CONSTRUCT="Bâtiment", IT="Informatique", LOGISTICS="Transports",
                   FOOD="Alimentation", MACHINERY="Mécanique", RETAIL="Distribution", CONSULT="Conseil",
                   HEALTH="Santé", PRINT="Imprimerie")),
    "es": dict(
        male="José Antonio Javier Manuel Sergio Álvaro Íñigo Carlos Pablo Jorge",
        female="María Carmen Lucía Ana Pilar Begoña Laura Marta Elena Rocío",
        surnames="García Fernández González Rodríguez López Martínez Sánchez Pérez Gómez Jiménez Muñoz "
                 "Álvarez Ruiz Navarro",
        streets="Calle Mayor|Avenida de la Constitución|Calle Real|Paseo de Gracia|Calle del Sol|"
                "Plaza de España|Calle de Alcalá",
        street_fmt="{s}, {n}", word_first=True, partner="e Hijos",
        prefixes="Ibérica|Mediterránea|Cantábrica|Andaluza|Levante|Hispano",
        words=dict(FURNITURE="Muebles", CONSTRUCT="Construcciones", IT="Informática",
                   LOGISTICS="Transportes", FOOD="Alimentación", MACHINERY="Maquinaria",
                   RETAIL="Distribuciones", CONSULT="Consultoría", HEALTH="Salud", PRINT="Gráficas")),
    "pt": dict(
        male="João António Francisco Tiago Rui Gonçalo Pedro Miguel Nuno Duarte",
        female="Maria Ana Inês Beatriz Joana Sofia Catarina Mariana Leonor Rita",
        surnames="Silva Santos Ferreira Pereira Oliveira Costa Rodrigues Martins Sousa Gonçalves Lopes Marques",
        streets="Rua Augusta|Avenida da Liberdade|Rua do Comércio|Rua de Santa Catarina|Praça do Município|"
                "Rua das Flores",
        street_fmt="{s}, {n}", word_first=True, partner="& Filhos",
        prefixes="Lusitana|Atlântica|Ibérica|Nortenha",
        words=dict(FURNITURE="Móveis", CONSTRUCT="Construções", IT="Informática", LOGISTICS="Transportes",
                   FOOD="Alimentar", MACHINERY="Metalomecânica", RETAIL="Comércio", CONSULT="Consultoria",
                   HEALTH="Saúde", PRINT="Gráfica")),
    "it": dict(
        male="Marco Alessandro Luca Giuseppe Matteo Niccolò Andrea Davide Stefano Lorenzo",
        female="Giulia Francesca Chiara Federica Elena Sara Valentina Alessia Martina Paola",
        surnames="Rossi|Russo|Ferrari|Esposito|Bianchi|Romano|Colombo|Ricci|Marino|Greco|Bruno|Gallo|Conti|"
                 "De Luca|Fabbri",
        streets="Via Roma|Via Garibaldi|Corso Italia|Via Dante|Piazza del Duomo|Via Mazzini|Viale Europa",
        street_fmt="{s} {n}", word_first=True, partner="& Figli",
        prefixes="Italiana|Lombarda|Padana|Adriatica|Tirrena|Alpina",
        words=dict(FURNITURE="Mobili", CONSTRUCT="Costruzioni", IT="Informatica", LOGISTICS="Trasporti",
                   FOOD="Alimentari", MACHINERY="Meccanica", RETAIL="Commerciale", CONSULT="Consulenza",
                   HEALTH="Sanitaria", PRINT="Tipografia")),
    "en": dict(
        male="James Michael David Robert Daniel Christopher Liam Andrew Mark Steven Paul Richard",
        female="Sarah Emily Jessica Laura Olivia Hannah Rachel Emma Karen Claire Megan Zoë",
        surnames="Smith|Johnson|Williams|Brown|Taylor|Wilson|Davies|Evans|Roberts|Walker|Wright|Thompson|"
                 "Anderson|Clarke|Hughes|Green|Baker|Miller",
        streets="High Street|Station Road|Church Lane|Park Avenue|Main Street|Mill Road|Victoria Road|"
                "King Street|Oak Drive|Harbour Way",
        street_fmt="{n} {s}", word_first=False, partner="& Sons",
        prefixes="Northern|Atlantic|Pacific|Metro|Summit|Pioneer|Coastal|Midland",
        words=dict(FURNITURE="Furniture", CONSTRUCT="Construction", IT="Software", LOGISTICS="Logistics",
                   FOOD="Foods", MACHINERY="Engineering", RETAIL="Trading", CONSULT="Consulting",
                   HEALTH="Healthcare", PRINT="Print")),
    "ie": dict(
        male="Seán Ciarán Patrick Conor Declan Eoin Niall Cathal",
        female="Siobhán Aoife Niamh Róisín Mary Órla Gráinne Caoimhe",
        surnames="Murphy|Kelly|O'Sullivan|Walsh|O'Brien|Byrne|Ryan|O'Connor|McCarthy|Doyle|Kennedy|Ó Súilleabháin",
        streets="Main Street|Church Road|Harbour Road|Patrick Street|Grafton Street|Quay Street",
        street_fmt="{n} {s}", word_first=False, partner="& Sons",
        prefixes="Celtic|Emerald|Atlantic|Shannon|Liffey"),
    "da": dict(
        male="Søren Jens Lars Mads Rasmus Bjørn Henrik Niels Anders Morten",
        female="Mette Anne Kirsten Louise Freja Maja Birgitte Lærke Signe Hanne",
        surnames="Nielsen Jensen Hansen Pedersen Andersen Christensen Larsen Sørensen Rasmussen Jørgensen "
                 "Madsen Kristensen",
        streets="Nørregade|Vestergade|Algade|Strandvejen|Søndergade|Industrivej|Havnegade",
        street_fmt="{s} {n}", word_first=False, partner="& Søn",
        prefixes="Nordisk|Dansk|Jysk|Fyns|Sjællands",
        words=dict(FURNITURE="Møbler", CONSTRUCT="Byg", IT="Data", LOGISTICS="Transport", FOOD="Fødevarer",
                   MACHINERY="Maskinfabrik", RETAIL="Handel", CONSULT="Rådgivning", HEALTH="Medico",
                   PRINT="Tryk")),
    "sv": dict(
        male="Erik Anders Johan Björn Per Göran Magnus Lars Mikael Fredrik",
        female="Åsa Karin Maria Linnéa Ingrid Märta Elin Sofia Ebba Annika",
        surnames="Andersson Johansson Karlsson Nilsson Eriksson Larsson Olsson Persson Svensson Gustafsson "
                 "Lindqvist Öberg Åberg Strömberg",
        streets="Storgatan|Kungsgatan|Drottninggatan|Industrivägen|Järnvägsgatan|Sjövägen|Östra Hamngatan",
        street_fmt="{s} {n}", word_first=False, partner="& Söner",
        prefixes="Nordisk|Svensk|Norrlands|Skandinavisk|Västsvenska|Mälardalens",
        words=dict(FURNITURE="Möbel", CONSTRUCT="Bygg", IT="Data", LOGISTICS="Logistik", FOOD="Livs",
                   MACHINERY="Verkstad", RETAIL="Handel", CONSULT="Konsult", HEALTH="Medicinteknik",
                   PRINT="Tryckeri")),
    "no": dict(
        male="Ola Øyvind Håkon Lars Ståle Jørgen Eirik Terje Knut Sindre",
        female="Kari Ingrid Silje Marte Solveig Tone Ragnhild Hege Ingvild Åse",
        surnames="Hansen Johansen Olsen Larsen Andersen Pedersen Nilsen Kristiansen Berg Haugen Dahl Lie "
                 "Bakke Solberg Løken",
        streets="Storgata|Kirkegata|Strandveien|Industriveien|Bryggen|Torggata|Løkkeveien",
        street_fmt="{s} {n}", word_first=False, partner="& Sønner",
        prefixes="Norsk|Nordisk|Vestlandets|Fjord|Nordland",
        words=dict(FURNITURE="Møbler", CONSTRUCT="Bygg", IT="Data", LOGISTICS="Transport", FOOD="Mat",
                   MACHINERY="Mekaniske", RETAIL="Handel", CONSULT="Rådgivning", HEALTH="Medisinsk",
                   PRINT="Trykkeri")),
    "fi": dict(
        male="Mikko Juha Jukka Timo Ville Jyrki Antti Pekka Matti Sami",
        female="Anna Päivi Sari Tiina Satu Elina Minna Hanna Johanna Kaisa",
        surnames="Korhonen Virtanen Mäkinen Nieminen Mäkelä Hämäläinen Laine Heikkinen Koskinen Järvinen "
                 "Lehtonen Saarinen",
        streets="Mannerheimintie|Hämeenkatu|Aleksanterinkatu|Teollisuuskatu|Rantatie|Kauppakatu",
        street_fmt="{s} {n}", word_first=False, partner="& Pojat",
        prefixes="Suomen|Pohjolan|Nordic|Lapin|Saimaan",
        words=dict(FURNITURE="Kaluste", CONSTRUCT="Rakennus", IT="Data", LOGISTICS="Logistiikka",
                   FOOD="Elintarvike", MACHINERY="Konepaja", RETAIL="Kauppa", CONSULT="Konsultointi",
                   HEALTH="Terveys", PRINT="Paino")),
    "is": dict(
        male="Jón Sigurður Gunnar Ólafur Einar Þórður", female="Guðrún Anna Kristín Sigríður Helga Björk",
        surnames="Jónsson Sigurðsson Magnússon Stefánsson Gunnarsson Einarsson",
        surnames_f="Jónsdóttir Sigurðardóttir Magnúsdóttir Stefánsdóttir Gunnarsdóttir Einarsdóttir",
        streets="Laugavegur|Skólavörðustígur|Hafnarstræti|Bankastræti|Borgartún",
        street_fmt="{s} {n}", word_first=False, partner="& Co.", prefixes="Norður|Ísfells|Hekla"),
    "pl": dict(
        male="Łukasz Piotr Krzysztof Tomasz Paweł Michał Grzegorz Marcin",
        female="Anna Katarzyna Małgorzata Agnieszka Magdalena Joanna Zofia Ewa",
        surnames="Nowak Kowalski Wiśniewski Wójcik Kowalczyk Kamiński Lewandowski Zieliński Szymański "
                 "Woźniak Dąbrowski",
        surnames_f="Nowak Kowalska Wiśniewska Wójcik Kowalczyk Kamińska Lewandowska Zielińska Szymańska "
                   "Woźniak Dąbrowska",
        streets="Długa|Marszałkowska|Piotrkowska|Świętokrzyska|Kościuszki|Mickiewicza|Przemysłowa",
        street_fmt="ul. {s} {n}", word_first=False, partner="i Wspólnicy",
        prefixes="Polska|Mazowiecka|Śląska|Pomorska|Bałtycka",
        words=dict(FURNITURE="Meble", CONSTRUCT="Budownictwo", IT="Informatyka", LOGISTICS="Transport",
                   FOOD="Spożywcza", MACHINERY="Maszyny", RETAIL="Handel", CONSULT="Doradztwo",
                   HEALTH="Medical", PRINT="Drukarnia")),
    "cs": dict(
        male="Jan Petr Jiří Tomáš Martin Pavel Ondřej", female="Jana Eva Hana Lucie Kateřina Petra Markéta",
        surnames="Novák Svoboda Novotný Dvořák Černý Procházka Kučera Veselý Horák Němec",
        surnames_f="Nováková Svobodová Novotná Dvořáková Černá Procházková Kučerová Veselá Horáková Němcová",
        streets="Národní|Masarykova|Husova|Nádražní|Palackého|Průmyslová|Komenského",
        street_fmt="{s} {n}", word_first=False, partner="a spol.",
        prefixes="Moravská|Česká|Pražská|Slovenská|Karpatská",
        words=dict(FURNITURE="Nábytek", CONSTRUCT="Stavby", IT="Software", LOGISTICS="Logistika",
                   FOOD="Potraviny", MACHINERY="Strojírny", RETAIL="Obchod", CONSULT="Poradenství",
                   HEALTH="Zdraví", PRINT="Tiskárna")),
    "hu": dict(
        male="László István Zoltán Gábor Péter Attila", female="Katalin Erzsébet Zsófia Éva Ildikó Krisztina",
        surnames="Nagy Kovács Tóth Szabó Horváth Varga Kiss Molnár Németh Farkas",
        streets="Andrássy út|Kossuth Lajos utca|Petőfi Sándor utca|Fő utca|Rákóczi út|Ipar utca",
        street_fmt="{s} {n}.", word_first=False, partner="és Társa", surname_first=True,
        prefixes="Magyar|Dunai|Alföldi|Pannon|Balatoni",
        words=dict(FURNITURE="Bútor", CONSTRUCT="Építő", IT="Informatika", LOGISTICS="Szállítmányozás",
                   FOOD="Élelmiszer", MACHINERY="Gépgyártó", RETAIL="Kereskedelmi", CONSULT="Tanácsadó",
                   HEALTH="Egészség", PRINT="Nyomda")),
    "sl": dict(
        male="Luka Marko Matej Žiga Jure Gregor", female="Ana Maja Petra Nina Mojca Špela",
        surnames="Novak Horvat Kovačič Krajnc Zupančič Potočnik Kos Vidmar",
        streets="Slovenska cesta|Prešernova ulica|Trg republike|Celovška cesta|Dunajska cesta",
        street_fmt="{s} {n}", word_first=False, partner="in partnerji", prefixes="Alpska|Jadranska|Kranjska"),
    "hr": dict(
        male="Ivan Tomislav Nikola Marko Luka Dario", female="Ivana Katarina Ana Petra Marija Lucija",
        surnames="Horvat Kovačević Babić Marić Jurić Novak Knežević Vuković",
        streets="Ilica|Vukovarska ulica|Savska cesta|Trg bana Jelačića|Riva",
        street_fmt="{s} {n}", word_first=False, partner="i partneri", prefixes="Jadranska|Dalmatinska|Slavonska"),
    "et": dict(
        male="Martin Andres Jaan Toomas Rein Priit", female="Kati Tiina Kadri Liis Mari Triin",
        surnames="Tamm Saar Sepp Mägi Kask Kukk Rebane Ilves Pärn Koppel",
        streets="Narva mnt|Pärnu mnt|Tartu mnt|Viru tänav|Tööstuse tänav",
        street_fmt="{s} {n}", word_first=False, partner="& Partnerid", prefixes="Balti|Eesti|Põhja"),
    "lv": dict(
        male="Jānis Andris Mārtiņš Pēteris Edgars Kārlis", female="Anna Ilze Līga Kristīne Inese Dace",
        surnames="Bērziņš Kalniņš Ozoliņš Jansons Liepiņš Krūmiņš Vītols Zariņš",
        surnames_f="Bērziņa Kalniņa Ozoliņa Jansone Liepiņa Krūmiņa Vītola Zariņa",
        streets="Brīvības iela|Elizabetes iela|Krišjāņa Valdemāra iela|Tērbatas iela|Rūpniecības iela",
        street_fmt="{s} {n}", word_first=False, partner="& Partneri", prefixes="Baltijas|Rīgas|Kurzemes"),
    "lt": dict(
        male="Jonas Tomas Mantas Darius Andrius Paulius", female="Rūta Agnė Inga Jurgita Eglė Lina",
        surnames="Kazlauskas Jankauskas Petrauskas Stankevičius Vasiliauskas Žukauskas Butkus Paulauskas",
        surnames_f="Kazlauskienė Jankauskienė Petrauskienė Stankevičienė Vasiliauskienė Žukauskienė "
                   "Butkienė Paulauskienė",
        streets="Gedimino pr.|Konstitucijos pr.|Laisvės alėja|Vilniaus g.|Pramonės g.",
        street_fmt="{s} {n}", word_first=False, partner="ir partneriai", prefixes="Baltijos|Vilniaus|Nemuno"),
}

# code, name, language, territory, post code format, phone prefix, mobile prefixes, name group,
# legal forms, internet top-level domain, weight (share of companies), cities "City:code[:county]"
COUNTRIES = [
    ("DE", "Germany", "DEU", "DACH", "d5", "+49", "151 160 170 171 176", "de",
     "GmbH|GmbH|GmbH|AG|GmbH & Co. KG|e.K.", "de", 20,
     "Berlin:10115;Hamburg:20095;München:80331;Köln:50667;Frankfurt am Main:60311;Stuttgart:70173;"
     "Düsseldorf:40210;Leipzig:04109;Dresden:01067;Hannover:30159;Nürnberg:90402;Bremen:28195;"
     "Bergisch Gladbach:51465;Bernau bei Berlin:16321;Münster:48143;Freiburg im Breisgau:79098;"
     "Lübeck:23552;Würzburg:97070;Regensburg:93047;Göttingen:37073"),
    ("AT", "Austria", "DEU", "DACH", "d4", "+43", "664 676 699", "de", "GmbH|GmbH|AG|KG", "at", 5,
     "Wien:1010;Graz:8010;Linz:4020;Salzburg:5020;Innsbruck:6020;Klagenfurt:9020;St. Pölten:3100"),
    ("CH", "Switzerland", "DES", "DACH", "d4", "+41", "76 78 79", "de", "AG|GmbH|AG|SA", "ch", 5,
     "Zürich:8001;Bern:3011;Basel:4051;Genève:1201;Lausanne:1003;Luzern:6003;St. Gallen:9000;Winterthur:8400"),
    ("LU", "Luxembourg", "FRA", "BENELUX", "lu", "+352", "621 661 691", "fr", "S.à r.l.|S.A.", "lu", 1,
     "Luxembourg:1111;Esch-sur-Alzette:4001;Differdange:4501;Dudelange:3401;Ettelbruck:9001"),
    ("NL", "Netherlands", "NLD", "BENELUX", "nl", "+31", "6", "nl", "B.V.|B.V.|B.V.|N.V.|V.O.F.", "nl", 5,
     "Amsterdam:1011;Rotterdam:3011;Den Haag:2511;Utrecht:3511;Eindhoven:5611;Groningen:9711;"
     "Bergen op Zoom:4611;Haarlem:2011;Zwolle:8011"),
    ("BE", "Belgium", "NLB", "BENELUX", "d4", "+32", "470 475 486 495", "nl", "BV|NV|SRL|SA", "be", 4,
     "Bruxelles:1000;Antwerpen:2000;Gent:9000;Brugge:8000;Liège:4000;Leuven:3000;Namur:5000"),
    ("FR", "France", "FRA", "FRANCE", "d5", "+33", "6 7", "fr", "SARL|SAS|SAS|SA", "fr", 6,
     "Paris:75001;Lyon:69001;Marseille:13001;Toulouse:31000;Bordeaux:33000;Lille:59000;Nantes:44000;"
     "Strasbourg:67000;Bergerac:24100"),
    ("ES", "Spain", "ESP", "SOUTH", "d5", "+34", "6 7", "es", "S.L.|S.L.|S.A.", "es", 4,
     "Madrid:28001;Barcelona:08001;Valencia:46001;Sevilla:41001;Bilbao:48001;Zaragoza:50001;Málaga:29001"),
    ("PT", "Portugal", "PTG", "SOUTH", "pt", "+351", "91 93 96", "pt", "Lda.|Lda.|S.A.", "pt", 2,
     "Lisboa:1100;Porto:4000;Braga:4700;Coimbra:3000;Faro:8000;Aveiro:3800"),
    ("IT", "Italy", "ITA", "SOUTH", "d5", "+39", "320 333 347 380", "it", "S.r.l.|S.r.l.|S.p.A.|S.n.c.", "it", 5,
     "Milano:20121;Roma:00184;Torino:10121;Bergamo:24121;Bologna:40121;Firenze:50122;Napoli:80133;Verona:37121"),
    ("GB", "United Kingdom", "ENG", "UKI", "gb", "+44", "7700 7911 7968", "en", "Ltd|Ltd|Ltd|plc|LLP", "co.uk", 7,
     "London:EC1A;Manchester:M1;Birmingham:B1;Leeds:LS1;Glasgow:G1;Edinburgh:EH1;Bristol:BS1;"
     "Berwick-upon-Tweed:TD15;Cambridge:CB2"),
    ("IE", "Ireland", "ENG", "UKI", "ie", "+353", "85 86 87", "ie", "Ltd|Ltd|DAC|plc", "ie", 2,
     "Dublin:D02;Cork:T12;Galway:H91;Limerick:V94;Waterford:X91"),
    ("DK", "Denmark", "DAN", "NORDIC", "d4", "+45", "20 40 50", "da", "A/S|ApS|ApS", "dk", 4,
     "København:1050;Aarhus:8000;Odense:5000;Aalborg:9000;Esbjerg:6700;Roskilde:4000;Vejle:7100"),
    ("SE", "Sweden", "SVE", "NORDIC", "se", "+46", "70 72 73 76", "sv", "AB", "se", 5,
     "Stockholm:11120;Göteborg:41101;Malmö:21111;Uppsala:75220;Västerås:72210;Örebro:70210;"
     "Linköping:58222;Jönköping:55311"),
    ("NO", "Norway", "NOR", "NORDIC", "d4", "+47", "4 9", "no", "AS|AS|ASA", "no", 3,
     "Oslo:0150;Bergen:5003;Trondheim:7010;Stavanger:4006;Tromsø:9008;Drammen:3015;Kristiansand:4610"),
    ("FI", "Finland", "FIN", "NORDIC", "d5", "+358", "40 44 50", "fi", "Oy|Oy|Oyj", "fi", 3,
     "Helsinki:00100;Espoo:02100;Tampere:33100;Turku:20100;Oulu:90100;Jyväskylä:40100"),
    ("IS", "Iceland", "ISL", "NORDIC", "d3", "+354", "6 7 8", "is", "ehf.|ehf.|hf.", "is", 1,
     "Reykjavík:101;Kópavogur:200;Hafnarfjörður:220;Akureyri:600"),
    ("PL", "Poland", "PLK", "CEE", "pl", "+48", "50 60 69 79", "pl", "Sp. z o.o.|Sp. z o.o.|S.A.", "pl", 4,
     "Warszawa:00001;Kraków:30001;Łódź:90001;Wrocław:50001;Poznań:60001;Gdańsk:80001;Szczecin:70001;"
     "Katowice:40001"),
    ("CZ", "Czech Republic", "CSY", "CEE", "cz", "+420", "602 603 777", "cs", "s.r.o.|s.r.o.|a.s.", "cz", 2,
     "Praha:11000;Brno:60200;Ostrava:70200;Plzeň:30100;Olomouc:77900;Liberec:46001"),
    ("SK", "Slovakia", "SKY", "CEE", "cz", "+421", "903 905 911", "cs", "s.r.o.|a.s.", "sk", 1,
     "Bratislava:81101;Košice:04001;Žilina:01001;Nitra:94901;Banská Bystrica:97401"),
    ("HU", "Hungary", "HUN", "CEE", "d4", "+36", "20 30 70", "hu", "Kft.|Kft.|Zrt.", "hu", 2,
     "Budapest:1051;Debrecen:4024;Szeged:6720;Pécs:7621;Győr:9021;Miskolc:3525"),
    ("SI", "Slovenia", "SLV", "CEE", "d4", "+386", "31 40 41", "sl", "d.o.o.|d.d.", "si", 1,
     "Ljubljana:1000;Maribor:2000;Celje:3000;Kranj:4000;Koper:6000"),
    ("HR", "Croatia", "HRV", "CEE", "d5", "+385", "91 95 98", "hr", "d.o.o.|d.d.", "hr", 1,
     "Zagreb:10000;Split:21000;Rijeka:51000;Osijek:31000;Zadar:23000"),
    ("EE", "Estonia", "ETI", "BALTIC", "d5", "+372", "5", "et", "OÜ|OÜ|AS", "ee", 1,
     "Tallinn:10111;Tartu:50090;Pärnu:80010;Narva:20103"),
    ("LV", "Latvia", "LVI", "BALTIC", "lv", "+371", "2", "lv", "SIA|SIA|AS", "lv", 1,
     "Rīga:1050;Daugavpils:5401;Liepāja:3401;Jelgava:3001"),
    ("LT", "Lithuania", "LTH", "BALTIC", "lt", "+370", "6", "lt", "UAB|UAB|AB", "lt", 1,
     "Vilnius:01100;Kaunas:44280;Klaipėda:91100;Šiauliai:76100"),
    ("US", "United States", "ENU", "NA", "d5", "+1", "", "en", "Inc.|Inc.|LLC|Corp.", "com", 6,
     "New York:10001:NY;Chicago:60601:IL;San Francisco:94103:CA;Boston:02108:MA;Seattle:98101:WA;"
     "Austin:73301:TX;Denver:80202:CO;Atlanta:30303:GA;Berkeley:94704:CA;Minneapolis:55401:MN"),
    ("CA", "Canada", "ENC", "NA", "ca", "+1", "", "en", "Inc.|Ltd.|Corp.", "ca", 2,
     "Toronto:M5V:ON;Montréal:H2Y:QC;Vancouver:V6B:BC;Calgary:T2P:AB;Ottawa:K1P:ON;Winnipeg:R3C:MB"),
    ("AU", "Australia", "ENA", "APAC", "d4", "+61", "4", "en", "Pty Ltd", "com.au", 2,
     "Sydney:2000:NSW;Melbourne:3000:VIC;Brisbane:4000:QLD;Perth:6000:WA;Adelaide:5000:SA;Canberra:2600:ACT"),
    ("NZ", "New Zealand", "ENA", "APAC", "d4", "+64", "21 22 27", "en", "Ltd|Limited", "co.nz", 1,
     "Auckland:1010;Wellington:6011;Christchurch:8011;Hamilton:3204;Dunedin:9016"),
]

SALESPEOPLE = [  # code, name, phone, territory ("" = not assigned to contacts)
    ("AK", "Anna Keller", "+49 40 3861 2201", "DACH"), ("BM", "Bernd Maier", "+49 40 3861 2202", "DACH"),
    ("MW", "Martin Weiß", "+49 40 3861 2203", "DACH"), ("NP", "Nora Pohl", "+49 40 3861 2204", "DACH"),
    ("PD", "Paul Dupont", "+49 40 3861 2210", "FRANCE"), ("CS", "Chloé Simon", "+49 40 3861 2211", "BENELUX"),
    ("FR", "Fabio Rinaldi", "+49 40 3861 2220", "SOUTH"), ("HT", "Hugo Teixeira", "+49 40 3861 2221", "SOUTH"),
    ("SG", "Sofía Gil", "+49 40 3861 2222", "SOUTH"), ("RS", "Rebecca Stone", "+49 40 3861 2230", "UKI"),
    ("DO", "Declan O'Neill", "+49 40 3861 2231", "UKI"), ("JW", "Jennifer Wu", "+49 40 3861 2240", "NA"),
    ("MC", "Mark Carter", "+49 40 3861 2241", "NA APAC"), ("JO", "Jonas Olsen", "+49 40 3861 2250", "NORDIC"),
    ("KL", "Katja Lindström", "+49 40 3861 2251", "NORDIC"), ("SN", "Søren Nygaard", "+49 40 3861 2252", "NORDIC"),
    ("OV", "Oskar Virtanen", "+49 40 3861 2253", "NORDIC"), ("DL", "Dorota Lis", "+49 40 3861 2260", "CEE"),
    ("TK", "Tomáš Kovář", "+49 40 3861 2261", "CEE BALTIC"), ("UZ", "Ute Zimmer", "+49 40 3861 2299", ""),
]
BLOCKED_SALESPERSON = "UZ"  # left the company: blocked, no contacts assigned

OUR_COMPANY = dict(name="Nordlicht Büromöbel GmbH", address="Speicherstraße 14", post_code="20457",
                   city="Hamburg", country_code="DE", phone="+49 40 3861 2200",
                   email="info@nordlicht-bueromoebel.de")
OUR_DOMAIN = "nordlicht-bueromoebel.de"

MAILING_GROUPS = [
    ("NEWS", "Monthly newsletter"), ("XMAS", "Christmas card"), ("FAIR", "Trade fair invitations"),
    ("PRODUCT", "Product news"), ("VIP", "Key account events"), ("WEBINAR", "Webinar invitations"),
    ("PRESS", "Press releases"), ("SURVEY", "Customer survey"),
]
INDUSTRY_GROUPS = [
    ("FURNITURE", "Furniture and interiors"), ("CONSTRUCT", "Construction"), ("IT", "IT and software"),
    ("LOGISTICS", "Transport and logistics"), ("FOOD", "Food and beverages"),
    ("MACHINERY", "Machinery and engineering"), ("RETAIL", "Retail and wholesale"),
    ("CONSULT", "Consulting"), ("HEALTH", "Health care"), ("PRINT", "Printing and media"),
]
BUSINESS_RELATIONS = [
    ("CUST", "Customer"), ("PROS", "Prospect"), ("SUPP", "Supplier"), ("PARTNER", "Partner"),
    ("BANK", "Bank"), ("PRESS", "Press"),
]
BUSINESS_RELATION_WEIGHTS = [50, 30, 8, 7, 2, 3]
JOB_RESPONSIBILITIES = [
    ("MANAGEMENT", "Management"), ("PURCHASE", "Purchasing"), ("SALES", "Sales"), ("MARKETING", "Marketing"),
    ("IT", "IT"), ("FINANCE", "Finance and accounting"), ("PRODUCTION", "Production"),
    ("LOGISTICS", "Logistics"),
]
JOB_TITLES = [  # title, responsibility
    ("Managing Director", "MANAGEMENT"), ("CEO", "MANAGEMENT"), ("Office Manager", "MANAGEMENT"),
    ("Purchasing Manager", "PURCHASE"), ("Buyer", "PURCHASE"), ("Sales Manager", "SALES"),
    ("Key Account Manager", "SALES"), ("Sales Representative", "SALES"), ("Marketing Manager", "MARKETING"),
    ("Marketing Assistant", "MARKETING"), ("IT Manager", "IT"), ("System Administrator", "IT"),
    ("CFO", "FINANCE"), ("Accountant", "FINANCE"), ("Controller", "FINANCE"),
    ("Production Manager", "PRODUCTION"), ("Logistics Coordinator", "LOGISTICS"),
    ("Warehouse Manager", "LOGISTICS"), ("Assistant", ""), ("Project Manager", ""),
]
ADDRESS_2 = ["2nd floor", "Building B", "Unit 4", "c/o Accounts Payable", "PO Box 118", "Suite 300",
             "Entrance C", "3rd floor"]

INTERACTION_GROUPS = [
    ("LETTER", "Letters"), ("EMAIL", "E-mails"), ("PHONE", "Phone calls"), ("MEETING", "Meetings"),
    ("EVENT", "Events and fairs"), ("SALES", "Sales documents"),
]
CAMPAIGN_NO = "CP1001"
# code, group, description, cost, duration, flow, initiated by, campaign, target, response, corres. type
INTERACTION_TEMPLATES = [
    ("LETTER", "LETTER", "Letter", 1.20, 0, "outbound", "us", "", False, False, "hard_copy"),
    ("EMAIL", "EMAIL", "E-mail", 0, 0, "outbound", "us", "", False, False, "email"),
    ("NEWSLETTER", "EMAIL", "Newsletter", 0.05, 0, "outbound", "us", "", False, False, "email"),
    ("PHONE", "PHONE", "Phone call", 0, 10, "outbound", "us", "", False, False, ""),
    ("PHONEIN", "PHONE", "Incoming phone call", 0, 5, "inbound", "them", "", False, False, ""),
    ("MEETING", "MEETING", "Meeting", 0, 60, "outbound", "us", "", False, False, ""),
    ("FAIR", "EVENT", "Fair invitation", 2.50, 0, "outbound", "us", CAMPAIGN_NO, True, False, "email"),
    ("FAIRVISIT", "EVENT", "Fair visit", 0, 30, "inbound", "them", CAMPAIGN_NO, False, True, ""),
    ("QUOTE", "SALES", "Sales quote", 0, 15, "outbound", "us", "", False, False, "email"),
]

CONTACT_COLUMNS = (
    "no", "type", "name", "first_name", "surname", "company_no", "company_name", "search_name",
    "address", "address_2", "post_code", "city", "county", "country_code", "phone", "mobile", "email",
    "language_code", "salesperson_code", "territory_code", "correspondence_type",
    "exclude_from_segment", "job_title", "created_at", "modified_at",
)
# Persons per company: mean about 5, from a lone company to a large customer.
PERSONS_PER_COMPANY = [0, 1, 2, 2, 3, 3, 4, 4, 4, 5, 5, 5, 6, 6, 7, 7, 8, 9, 11, 12]


# --- helpers ---------------------------------------------------------------------------------

_TRANSLIT = str.maketrans({"ß": "ss", "ø": "o", "æ": "ae", "å": "a", "ð": "d", "þ": "th", "ł": "l",
                           "đ": "d", "'": "", "’": ""})
_UMLAUT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue"})


def slug(text, umlaut=False, sep=""):
    """ASCII for e-mail addresses and domains: 'Müller' -> 'mueller' (German) / 'Åsa' -> 'asa'."""
    text = text.lower()
    if umlaut:
        text = text.translate(_UMLAUT)
    text = unicodedata.normalize("NFKD", text.translate(_TRANSLIT))
    text = "".join(c for c in text if not unicodedata.combining(c))
    out = "".join(c if c.isalnum() else " " for c in text)
    return sep.join(out.split())


def _split(text):
    return text.split("|") if "|" in text else text.split()


class _LanguageGroup:
    """A language group's pools, with slugs precomputed so rows need no string work."""

    def __init__(self, spec):
        umlaut = spec.get("umlaut", False)
        self.male = _split(spec["male"])
        self.female = _split(spec["female"])
        self.surnames = _split(spec["surnames"])
        self.surnames_f = _split(spec.get("surnames_f") or spec["surnames"])
        self.first_slugs = {n: slug(n, umlaut) for n in self.male + self.female}
        self.surname_slugs = {n: slug(n, umlaut) for n in self.surnames + self.surnames_f}
        self.streets = _split(spec["streets"])
        self.street_fmt = spec["street_fmt"]
        self.word_first = spec["word_first"]
        self.partner = spec["partner"]
        self.surname_first = spec.get("surname_first", False)
        self.prefixes = _split(spec["prefixes"])
        words = spec.get("words") or GROUPS["en"]["words"]
        self.words = [(code, words[code]) for code, _ in INDUSTRY_GROUPS]
        self.umlaut = umlaut


_LETTERS_GB = "ABDEFGHJLNPQRSTUWXYZ"
_LETTERS_CA = "ABCEGHJKLMNPRSTVWXYZ"
_LETTERS_NL = "ABCEGHJKLMNPRTVWXZ"
_EIRCODE = "ACDEFHKNPRTVWXY0123456789"


def _post_codes(rng, fmt, base, count=12):
    """Plausible post codes near a city's base code, in the country's format."""
    out = []
    for _ in range(count):
        r = rng.randrange
        if fmt in ("d5", "d4", "d3"):
            width = int(fmt[1])
            spread = {5: 60, 4: 30, 3: 8}[width]
            code = f"{min(int(base) + r(spread), 10 ** width - 1):0{width}d}"
        elif fmt in ("se", "cz"):
            n = f"{int(base) + r(40):05d}"
            code = f"{n[:3]} {n[3:]}"
        elif fmt == "pl":
            n = f"{int(base) + r(900):05d}"
            code = f"{n[:2]}-{n[2:]}"
        elif fmt == "pt":
            code = f"{int(base) + r(90):04d}-{r(1000):03d}"
        elif fmt == "nl":
            code = f"{int(base) + r(40):04d} {rng.choice(_LETTERS_NL)}{rng.choice(_LETTERS_NL)}"
        elif fmt == "gb":
            code = f"{base} {r(10)}{rng.choice(_LETTERS_GB)}{rng.choice(_LETTERS_GB)}"
        elif fmt == "ca":
            code = f"{base} {r(10)}{rng.choice(_LETTERS_CA)}{r(10)}"
        elif fmt == "ie":
            code = f"{base} {rng.choice(_EIRCODE[:15])}" + "".join(rng.choice(_EIRCODE) for _ in range(3))
        elif fmt == "lv":
            code = f"LV-{int(base) + r(30):04d}"
        elif fmt == "lt":
            code = f"LT-{int(base) + r(200):05d}"
        elif fmt == "lu":
            code = f"L-{int(base) + r(300):04d}"
        else:
            raise ValueError(fmt)
        out.append(code)
    return out


class _PickLists:
    """Everything rows are picked from: countries, cities with post codes, names, dates."""

    def __init__(self, rng, seed):
        self.groups = {key: _LanguageGroup(spec) for key, spec in GROUPS.items()}
        self.countries = []
        self.cities = []  # (country index, city, county, post codes)
        weights = []
        for ci, row in enumerate(COUNTRIES):
            code, name, lang, territory, fmt, cc, mobile, group, forms, tld, weight, cities = row
            reps = [s[0] for s in SALESPEOPLE if territory in s[3].split()]
            self.countries.append(dict(
                code=code, name=name, lang=lang, territory=territory, cc=cc,
                mobile=mobile.split() or ["201", "312", "415", "617", "646", "206", "512"],
                group=self.groups[group], forms=forms.split("|"), tld=tld, salespeople=reps,
            ))
            parts = [c.split(":") for c in cities.split(";")]
            for rank, part in enumerate(parts):
                city, base = part[0], part[1]
                county = part[2] if len(part) > 2 else ""
                self.cities.append((ci, city, county, _post_codes(rng, fmt, base)))
                # Bigger cities first in each list: they get more companies.
                weights.append(weight * (1.0 / (1 + rank)) ** 0.6)
        total = sum(weights)
        self.city_cum = list(itertools.accumulate(w / total for w in weights))
        self.city_cum[-1] = 1.0
        # Creation dates: a fixed reference date from the seed, contacts created in the 5 years before.
        self.reference = dt.datetime(2025, 1, 1) + dt.timedelta(days=seed % 365)
        self.created = sorted(
            (self.reference - dt.timedelta(days=rng.randrange(5 * 365), minutes=rng.randrange(480) + 480))
            for _ in range(4000))
        self.created_text = [d.isoformat(" ") for d in self.created]
        self.modified_text = [
            min(d + dt.timedelta(days=rng.randrange(400)), self.reference).isoformat(" ")
            for d in self.created]
        self.address2 = ADDRESS_2
        self.titles = [t for t, _ in JOB_TITLES]
        self.title_resp = [r for _, r in JOB_TITLES]


def _company(rng, picks):
    """One company contact row, plus what its persons need from it."""
    r = rng.random
    city_i = bisect.bisect_left(picks.city_cum, r())
    ci, city, county, codes = picks.cities[city_i]
    country = picks.countries[ci]
    g = country["group"]
    form = country["forms"][int(r() * len(country["forms"]))]
    surname = g.surnames[int(r() * len(g.surnames))]
    ss = g.surname_slugs[surname]
    industry, word = g.words[int(r() * len(g.words))]
    p = r()
    if p < 0.45:  # "Müller Logistik GmbH" / "Transportes García S.L."
        base = f"{word} {surname}" if g.word_first else f"{surname} {word}"
        dom = f"{ss}-{slug(word, g.umlaut)}"
    elif p < 0.65:  # "Nordisk Möbel AB"
        prefix = g.prefixes[int(r() * len(g.prefixes))]
        base = f"{prefix} {word}"
        dom = f"{slug(prefix, g.umlaut)}-{slug(word, g.umlaut)}"
    elif p < 0.80:  # "Müller & Partner GmbH"
        base = f"{surname} {g.partner}"
        dom = ss
    elif p < 0.88:  # "J & V Consulting"
        a, b = rng.sample("ABCDEFGHJKLMNPRSTVW", 2)
        industry, word = picks.groups["en"].words[int(r() * len(INDUSTRY_GROUPS))]
        base = f"{a} & {b} {word}"
        dom = f"{a}{b}-{word}".lower()
        form = form if r() < 0.5 else ""
    else:  # "Schneider & Weber GmbH"
        other = g.surnames[int(r() * len(g.surnames))]
        base = f"{surname} & {other}"
        dom = f"{ss}-{g.surname_slugs[other]}"
        industry = ""
    name = f"{base} {form}" if form else base
    domain = f"{dom}.{country['tld']}"
    street = g.streets[int(r() * len(g.streets))]
    address = g.street_fmt.format(s=street, n=1 + int(r() * 120))
    reps = country["salespeople"]
    salesperson = reps[int(r() * len(reps))]
    phone = f"{country['cc']} {20 + int(r() * 880)} {1000000 + int(r() * 8999999)}"
    return dict(name=name, domain=domain, industry=industry, country=country, city=city, county=county,
                post_code=codes[int(r() * len(codes))], address=address,
                address_2=picks.address2[int(r() * 8)] if r() < 0.12 else "",
                salesperson=salesperson, phone=phone)


def _corres(p, has_email):
    """Correspondence type from a random number: e-mail for most who have an address."""
    if has_email:
        return "email" if p < 0.70 else ("hard_copy" if p < 0.82 else "")
    return "hard_copy" if p < 0.60 else ""


def _contacts(rng, picks, total, prefix, width, links, fair, fair_cap):
    """Yield `total` contact rows: each company followed by its persons (CT000001, ...).

    Link rows go straight into links["mg"|"ig"|"br"|"jr"] as (contact no, code); persons on the
    fair mailing list who may be contacted go to `fair` (up to fair_cap) for the past interactions.
    Everything per person is picked by index from precomputed pools: this loop runs a million times.
    """
    r = rng.random
    titles, title_resp = picks.titles, picks.title_resp
    n_titles = len(titles)
    created, modified = picks.created_text, picks.modified_text
    n_created = len(created) - 400
    mailing_codes = [c for c, _ in MAILING_GROUPS]
    n_mailing = len(mailing_codes) - 1
    resp_codes = [c for c, _ in JOB_RESPONSIBILITIES]
    n_resp = len(resp_codes)
    industry_codes = [c for c, _ in INDUSTRY_GROUPS]
    br_codes = [c for c, _ in BUSINESS_RELATIONS]
    br_cum = list(itertools.accumulate(BUSINESS_RELATION_WEIGHTS))
    br_total = br_cum[-1]
    mg, ig, br, jr = links["mg"].append, links["ig"].append, links["br"].append, links["jr"].append
    company_mail = ("info", "office", "contact", "sales")
    person_cache: dict = {}
    done = 0
    while done < total:
        done += 1
        cno = f"{prefix}{done:0{width}d}"
        c = _company(rng, picks)
        country = c["country"]
        g = country["group"]
        has_email = r() < 0.85
        ci = int(r() * n_created)
        if c["industry"]:
            ig((cno, c["industry"]))
        elif r() < 0.7:
            ig((cno, industry_codes[int(r() * len(industry_codes))]))
        relation = br_codes[bisect.bisect_right(br_cum, r() * br_total)]
        br((cno, relation))
        if relation == "CUST" and r() < 0.15:
            br((cno, "PARTNER"))
        if r() < 0.3:
            mg((cno, "XMAS"))
        cname, address, address_2, post_code = c["name"], c["address"], c["address_2"], c["post_code"]
        city, county, ccode, lang = c["city"], c["county"], country["code"], country["lang"]
        salesperson, territory, domain = c["salesperson"], country["territory"], c["domain"]
        yield (
            cno, "company", cname, "", "", cno, cname, cname.upper(), address, address_2, post_code, city,
            county, ccode, c["phone"], "",
            f"{company_mail[int(r() * 4)]}@{domain}" if has_email else "",
            lang, salesperson, territory, _corres(r(), has_email), r() < 0.03, "", created[ci], modified[ci],
        )
        persons = min(PERSONS_PER_COMPANY[int(r() * len(PERSONS_PER_COMPANY))], total - done)
        phone_stem = c["phone"][:-2]
        cc, mobiles = country["cc"], country["mobile"]
        n_mobiles = len(mobiles)
        female, male, surnames_f, surnames = g.female, g.male, g.surnames_f, g.surnames
        nf, nm, nsf, ns = len(female), len(male), len(surnames_f), len(surnames)
        first_slugs, surname_slugs, surname_first = g.first_slugs, g.surname_slugs, g.surname_first
        for _ in range(persons):
            done += 1
            pno = f"{prefix}{done:0{width}d}"
            if r() < 0.5:
                first, surname = female[int(r() * nf)], surnames_f[int(r() * nsf)]
            else:
                first, surname = male[int(r() * nm)], surnames[int(r() * ns)]
            # Names come from small pools: name, upper-case name and e-mail local parts are cached.
            person = person_cache.get((first, surname))
            if person is None:
                fs, ss = first_slugs[first], surname_slugs[surname]
                name = f"{surname} {first}" if surname_first else f"{first} {surname}"
                person = person_cache[(first, surname)] = (name, name.upper(), f"{fs}.{ss}@", f"{fs[0]}{ss}@")
            name, upper_name, local_long, local_short = person
            has_email = r() < 0.85
            if has_email:
                email = (local_long if r() < 0.7 else local_short) + domain
            else:
                email = ""
            ti = int(r() * n_titles)
            excluded = r() < 0.03
            pci = ci + int(r() * 400)
            yield (
                pno, "person", name, first, surname, cno, cname, upper_name, address, address_2,
                post_code, city, county, ccode,
                f"{phone_stem}{10 + int(r() * 90)}" if r() < 0.8 else "",
                f"{cc} {mobiles[int(r() * n_mobiles)]} {1000000 + int(r() * 8999999)}" if r() < 0.6 else "",
                email, lang, salesperson, territory, _corres(r(), has_email), excluded, titles[ti],
                created[pci], modified[pci],
            )
            # Job responsibilities follow the job title; some have a second one.
            resp = title_resp[ti]
            if resp:
                jr((pno, resp))
                if r() < 0.2:
                    other = resp_codes[int(r() * n_resp)]
                    if other != resp:
                        jr((pno, other))
            elif r() < 0.5:
                jr((pno, resp_codes[int(r() * n_resp)]))
            # 0-3 mailing groups, no duplicates; the newsletter is the most common.
            if r() < 0.55:
                mg((pno, "NEWS"))
            p = r()
            if p < 0.5:
                one = 1 + int(r() * n_mailing)
                mg((pno, mailing_codes[one]))
                two = 1 + int(r() * n_mailing) if p < 0.15 else one
                if two != one:
                    mg((pno, mailing_codes[two]))
                if (one == FAIR_INDEX or two == FAIR_INDEX) and not excluded and len(fair) < fair_cap:
                    fair.append((pno, cno, lang, salesperson, "email" if has_email else "hard_copy"))


FAIR_INDEX = [c for c, _ in MAILING_GROUPS].index("FAIR")


# --- writing -----------------------------------------------------------------------------------

LINK_MODELS = {
    "mg": (ContactMailingGroup, "mailing_group_code"),
    "ig": (ContactIndustryGroup, "industry_group_code"),
    "br": (ContactBusinessRelation, "business_relation_code"),
    "jr": (ContactJobResponsibility, "job_responsibility_code"),
}


class _BatchInserter:
    """Batches rows into a table: raw executemany on SQLite, peewee insert_many elsewhere."""

    def __init__(self):
        self.sqlite = dbmod.is_sqlite()
        self.dropped = []  # CREATE INDEX statements to run at the end

    def drop_indexes(self, model):
        """SQLite: drop the secondary indexes of an empty table; rebuild_indexes() restores them.

        Building an index once from all rows is several times cheaper than keeping it up to date
        row by row (measured: 930k link rows took 10 s with indexes, under 2 s without plus rebuild).
        """
        if not self.sqlite or model.select().limit(1).exists():
            return
        for index in database.get_indexes(model._meta.table_name):
            if index.sql:  # automatic indexes (primary key, UNIQUE columns) have none and stay
                database.execute_sql(f'DROP INDEX "{index.name}"')
                self.dropped.append(index.sql)

    def rebuild_indexes(self):
        for sql in self.dropped:
            database.execute_sql(sql)
        self.dropped = []

    def insert(self, model, columns, rows):
        if not rows:
            return
        if self.sqlite:
            sql = (f'INSERT INTO "{model._meta.table_name}" ({", ".join(columns)}) '
                   f'VALUES ({", ".join("?" * len(columns))})')
            database.connection().executemany(sql, rows)
        else:
            # Portable DB-API path (PostgreSQL): multi-row VALUES with the driver's parameter mark.
            # peewee's insert_many builds each value as an object, ~50x slower for a million rows.
            mark = database.param
            one = f"({', '.join([mark] * len(columns))})"
            head = f'INSERT INTO "{model._meta.table_name}" ({", ".join(columns)}) VALUES '
            step = max(1, 30_000 // len(columns))  # stay under the drivers' parameter limits
            for i in range(0, len(rows), step):
                part = rows[i:i + step]
                database.execute_sql(head + ", ".join([one] * len(part)),
                                     [value for row in part for value in row])


def _setup(picks, letter):
    """Setup rows; existing rows with the same key are kept, so this is idempotent."""
    def put(model, rows):
        if rows:
            model.insert_many(rows).on_conflict_ignore().execute()

    put(Language, [dict(code=c, name=n, date_format=f) for c, n, f in LANGUAGES])
    put(Country, [dict(code=c[0], name=c[1], language_code=c[2]) for c in COUNTRIES])
    put(Salesperson, [
        dict(code=code, name=name, phone=phone, blocked=code == BLOCKED_SALESPERSON,
             email=f"{slug(name, umlaut=True, sep='.')}@{OUR_DOMAIN}")
        for code, name, phone, _ in SALESPEOPLE])
    put(MailingGroup, [dict(code=c, description=d) for c, d in MAILING_GROUPS])
    put(IndustryGroup, [dict(code=c, description=d) for c, d in INDUSTRY_GROUPS])
    put(BusinessRelation, [dict(code=c, description=d) for c, d in BUSINESS_RELATIONS])
    put(JobResponsibility, [dict(code=c, description=d) for c, d in JOB_RESPONSIBILITIES])
    put(InteractionGroup, [dict(code=c, description=d) for c, d in INTERACTION_GROUPS])
    put(InteractionTemplate, [
        dict(code=code, interaction_group_code=group, description=desc, unit_cost=cost,
             unit_duration_min=duration, information_flow=flow, initiated_by=by, campaign_no=campaign,
             campaign_target=target, campaign_response=response, correspondence_type_default=corres)
        for code, group, desc, cost, duration, flow, by, campaign, target, response, corres
        in INTERACTION_TEMPLATES])
    start = picks.reference.date() + dt.timedelta(days=60)
    put(Campaign, [dict(no=CAMPAIGN_NO, description=f"Office furniture fair {start.year}",
                        starting_date=start - dt.timedelta(days=90), ending_date=start + dt.timedelta(days=4),
                        salesperson_code="AK")])
    put(InteractionTemplateAttachment, [dict(template_code="LETTER", language_code="", kind="word",
                                             file_name="letter.docx", content=letter)])
    if not CompanyInformation.select().exists():
        CompanyInformation.create(**OUR_COMPANY)


def _past_interactions(picks, rng, fair_persons, writer):
    """Two logged segments: fair invitations (campaign CP1001) and phone follow-ups."""
    if not fair_persons:
        return 0
    from ..db import next_no

    ref = picks.reference.date()
    templates = {t[0]: t for t in INTERACTION_TEMPLATES}
    plans = [
        ("FAIR", "Invitation to the office furniture fair", ref - dt.timedelta(days=40), fair_persons),
        ("PHONE", "Follow-up call on the fair invitation", ref - dt.timedelta(days=25),
         fair_persons[::3]),
    ]
    evaluations = ["", "", "very_positive", "positive", "positive", "neutral", "negative", "very_negative"]
    count = 0
    columns = ("contact_no", "contact_company_no", "correspondence_type", "interaction_template_code",
               "interaction_group_code", "language_code", "subject", "description", "date",
               "time_of_interaction", "cost", "duration_min", "salesperson_code", "campaign_no",
               "campaign_target", "campaign_response", "evaluation", "attempt_failed", "information_flow",
               "initiated_by", "user_id", "segment_no", "logged_segment_entry_no", "canceled",
               "delivery_status", "personal_note", "attachment_name", "delivery_error", "message_id",
               "send_word_docs_as_attmt")
    r = rng.random
    for code, description, date, persons in plans:
        t = templates[code]
        segment_no = next_no("SEGMENT")
        logged = LoggedSegment.create(segment_no=segment_no, description=description, creation_date=date,
                                      user_id="DEMO")
        day = date.isoformat()
        rows = [
            (no, company_no, corres if t[10] else "", code, t[1], lang, description, description, day,
             f"{9 + i % 8:02d}:{(i * 7) % 60:02d}:00", t[3], t[4], salesperson, t[7], t[8], t[9],
             evaluations[int(r() * len(evaluations))] if code == "PHONE" else "",
             code == "PHONE" and r() < 0.1, t[5], t[6], "DEMO", segment_no, logged.entry_no, False,
             "", "", "", "", "", False)
            for i, (no, company_no, lang, salesperson, corres) in enumerate(persons)]
        writer.insert(InteractionLogEntry, columns, rows)
        if t[7]:
            CampaignEntry.create(campaign_no=t[7], logged_segment_entry_no=logged.entry_no,
                                 segment_no=segment_no, description=description, date=date, user_id="DEMO",
                                 cost=round(t[3] * len(rows), 2), duration_min=t[4] * len(rows))
        count += len(rows)
    return count


def _batches(rng, picks, contacts, prefix, width, fair):
    """Yield (contact rows, link rows by table) in chunks, generated in a helper thread.

    The thread builds the next chunk in Python while this one is inside SQLite's executemany
    and index builds (which release the GIL), so generation and writing overlap. The stream is
    one generator in one thread, so the data stays deterministic.
    """
    chunks: queue.Queue = queue.Queue(maxsize=3)
    stop = threading.Event()

    def produce():
        try:
            links: dict[str, list] = {key: [] for key in LINK_MODELS}
            stream = _contacts(rng, picks, contacts, prefix, width, links, fair,
                               fair_cap=max(10, min(5000, contacts // 40)))
            while not stop.is_set():
                rows = list(itertools.islice(stream, CHUNK))
                if not rows:
                    break
                chunk_links = {key: list(pairs) for key, pairs in links.items()}
                for pairs in links.values():
                    pairs.clear()
                chunks.put((rows, chunk_links))
            chunks.put(None)
        except BaseException as exc:  # handed to the consumer, which re-raises it
            chunks.put(exc)

    thread = threading.Thread(target=produce, name="demo-rows", daemon=True)
    thread.start()
    try:
        while True:
            item = chunks.get()
            if item is None:
                break
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        while thread.is_alive():  # unblock a producer waiting on a full queue
            try:
                chunks.get(timeout=0.1)
            except queue.Empty:
                pass
        thread.join()


def fill_demo(contacts: int = 2000, seed: int = 1, progress=None) -> dict:
    """Fill an empty database with `contacts` demo contacts (companies included).

    Deterministic for a seed. Refuses when the database already has contacts.
    `progress(done, total)` is called after each batch.
    """
    if contacts < 1:
        raise SegtuiError("the number of demo contacts must be at least 1")
    started = time.perf_counter()
    letter = build_default_letter()
    rng = random.Random(seed)
    picks = _PickLists(rng, seed)
    with dbmod.transaction():
        existing = Contact.select().count()
        if existing:
            raise SegtuiError(f"the database already has {existing} contacts; use a new database for demo data")
        series = NumberSeries.get_or_none(NumberSeries.code == "CONTACT")
        prefix, width = (series.prefix, series.width) if series else ("CT", 6)
        # Widen the numbers for a million contacts so they still sort in number order.
        width = max(width, len(str(contacts)))
        _setup(picks, letter)

        writer = _BatchInserter()
        for model in [Contact] + [model for model, _ in LINK_MODELS.values()]:
            writer.drop_indexes(model)
        fair: list = []
        counts = {key: 0 for key in LINK_MODELS}
        done = 0
        for rows, links in _batches(rng, picks, contacts, prefix, width, fair):
            writer.insert(Contact, CONTACT_COLUMNS, rows)
            for key, (model, column) in LINK_MODELS.items():
                writer.insert(model, ("contact_no", column), links[key])
                counts[key] += len(links[key])
            done += len(rows)
            if progress:
                progress(done, contacts)
        writer.rebuild_indexes()
        NumberSeries.update(last_no=contacts, width=width).where(NumberSeries.code == "CONTACT").execute()
        interactions = _past_interactions(picks, rng, fair, writer)
        from .demo_profiles import fill_opt_outs, fill_profiles

        profile_answers = fill_profiles(prefix)
        opted_out = fill_opt_outs(prefix, picks.reference.date())
    companies = Contact.select().where(Contact.type == "company").count()
    return {
        "contacts": contacts, "companies": companies, "persons": contacts - companies,
        "mailing_group_links": counts["mg"], "industry_group_links": counts["ig"],
        "business_relation_links": counts["br"], "job_responsibility_links": counts["jr"],
        "interactions": interactions, "profile_answers": profile_answers, "phone_opt_outs": opted_out,
        "seed": seed,
        "seconds": round(time.perf_counter() - started, 3),
    }
