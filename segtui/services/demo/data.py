"""The demo business's setup data: languages and their names and streets, countries, salespeople,
groups, templates; what the generated contacts are picked from."""
from typing import Any

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
