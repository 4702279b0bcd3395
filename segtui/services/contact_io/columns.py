"""The column names that real contact exports use, and the segtui field each one fills.

Names are compared without case, spaces or punctuation ("E-mail Address" = "email address"),
so one entry covers the spellings that differ only in those. Within a field the earlier name
wins when a row fills several (the business phone before the home phone). Addresses come in
groups (a main one, work, home, other): a contact's address is the first group the row fills,
so the street of one address never lands beside the city of another.
"""
import re

# (program, language) in the comments says where a name comes from; many are shared.
FIELDS = {
    "name": [
        "Name",  # Google (old), Outlook Express / Windows Contacts, segtui
        "Display Name", "Full Name", "Contact Name",  # Thunderbird, Roundcube, others
        "Anzeigename", "Vollständiger Name",  # de
        "Nom complet", "Nom d'affichage",  # fr
        "Nombre completo", "Nombre para mostrar",  # es
        "Nome completo", "Nome visualizzato",  # it
        "Volledige naam", "Weergavenaam",  # nl
        "Fullständigt namn", "Visningsnamn",  # sv
    ],
    "nickname": [  # the name only when a row has none other (File As is "Surname, Given")
        "File As", "Speichern unter", "Classer sous", "Enregistrer sous", "Archivar como", "Archivia come",
        "Opslaan als",
        "Arkivera som", "Nickname", "Nick Name", "Spitzname", "Surnom", "Apodo", "Soprannome", "Bijnaam", "Smeknamn",
    ],
    "first_name": [
        "First Name", "Given Name", "Firstname", "Forename",
        "Vorname", "Prénom", "Nombre", "Nome", "Voornaam", "Förnamn",
    ],
    "middle_name": [
        "Middle Name", "Additional Name", "Weitere Vornamen", "Zweiter Vorname", "Deuxième prénom",
        "Segundo nombre", "Secondo nome", "Middelste naam", "Tussenvoegsel", "Mellannamn",
    ],
    "surname": [
        "Last Name", "Family Name", "Surname", "Lastname",
        "Nachname", "Nom", "Nom de famille", "Apellidos", "Apellido", "Cognome", "Achternaam", "Efternamn",
    ],
    "organisation": [
        "Company", "Organization", "Organisation", "Organization Name", "Company Name", "Employer",
        "Firma", "Unternehmen", "Société", "Entreprise", "Organización", "Compañía", "Empresa",
        "Società", "Azienda", "Bedrijf", "Organisatie", "Företag", "Organisation",
    ],
    "job_title": [
        "Job Title", "Position", "Organization Title", "Title (job)",
        "Berufsbezeichnung", "Position (Beruf)", "Fonction", "Poste", "Puesto", "Cargo", "Posizione",
        "Qualifica", "Functie", "Befattning", "Titel (befattning)",
    ],
    "email": [
        "E-mail Address", "Email Address", "E-mail", "Email", "Primary Email", "E-mail 1", "Email 1",
        "Email Work", "Work Email", "Business Email", "Email (work)",
        "E-Mail-Adresse", "E-Mail Adresse", "E-Mail 1 Adresse",  # de
        "Adresse de messagerie", "Adresse e-mail", "Courriel",  # fr
        "Dirección de correo electrónico", "Correo electrónico",  # es
        "Indirizzo posta elettronica", "Indirizzo e-mail", "Posta elettronica",  # it
        "E-mailadres", "E-mail adres",  # nl
        "E-postadress", "E-post",  # sv
        "Email Home", "Home Email", "Personal Email", "Email (home)",
        "Secondary Email", "Other Email", "Email Other",
        "E-mail 2 Address", "E-mail 2", "Email 2", "E-mail 3 Address", "E-mail 3", "Email 3",
        "E-Mail 2: Adresse", "E-Mail 3: Adresse", "Adresse de messagerie 2", "Adresse de messagerie 3",
        "Dirección de correo electrónico 2", "Dirección de correo electrónico 3",
        "Indirizzo posta elettronica 2", "Indirizzo posta elettronica 3", "E-mailadres 2", "E-mailadres 3",
        "E-postadress 2", "E-postadress 3",
    ],
    "phone": [
        "Business Phone", "Work Phone", "Phone (work)", "Company Main Phone", "Primary Phone", "Phone",
        "Telephone", "Phone Number", "Business Phone 2", "Work Phone 2",
        "Telefon geschäftlich", "Telefon Firma", "Haupttelefon", "Telefon", "Telefon geschäftlich 2",  # de
        "Téléphone (bureau)", "Téléphone professionnel", "Téléphone bureau", "Téléphone société",
        "Téléphone principal", "Téléphone", "Téléphone 2 (bureau)", "Téléphone professionnel 2",  # fr
        "Teléfono del trabajo", "Número de centralita de la organización", "Teléfono principal", "Teléfono",
        "Teléfono del trabajo 2",  # es
        "Ufficio", "Telefono (uff.)", "Telefono principale società", "Telefono principale", "Telefono",
        "Ufficio 2",  # it
        "Telefoon op werk", "Telefoon werk", "Hoofdtelefoon bedrijf", "Hoofdtelefoon", "Telefoon",
        "Telefoon op werk 2",  # nl
        "Telefon, arbete", "Arbetstelefon", "Växel", "Primär telefon", "Telefon 2, arbete",  # sv
        "Home Phone", "Phone (home)", "Home Phone 2", "Other Phone",
        "Telefon privat", "Telefon privat 2", "Weiteres Telefon",
        "Téléphone (domicile)", "Téléphone personnel", "Téléphone 2 (domicile)", "Téléphone personnel 2",
        "Téléphone (autre)",
        "Particular", "Número de teléfono particular 2", "Otro teléfono",
        "Abitazione", "Abitazione 2", "Altro telefono",
        "Telefoon thuis", "Telefoon thuis 2", "Andere telefoon",
        "Telefon, hem", "Hemtelefon", "Telefon 2, hem", "Annan telefon",
    ],
    "mobile": [
        "Mobile Phone", "Mobile", "Mobile Number", "Cell Phone", "Cellphone", "Home Mobile", "Work Mobile",
        "Mobiltelefon", "Handy", "Mobiltelefon 2", "Tél. mobile", "Téléphone mobile", "Portable", "Mobile 2",
        "Móvil", "Teléfono móvil", "Cellulare", "Cellulare 2", "Mobiele telefoon", "Mobiel",
        "Mobiltelefon, arbete", "Car Phone", "Autotelefon", "Téléphone (voiture)", "Teléfono del automóvil",
        "Telefono auto", "Autotelefoon", "Biltelefon", "Tél. voiture",
    ],
    # Opt-out columns (Mailchimp-like, HubSpot, Salesforce, Dynamics 365): a yes in one makes an
    # opt-out of its channel with the reason "imported" (bulk e-mail is an e-mail opt-out too).
    "opt_out_email": [
        "Do Not Email", "DoNotEmail", "Do not allow Emails", "Email Opt Out", "HasOptedOutOfEmail",
        "Unsubscribed from all email", "Unsubscribed", "Opt Out", "Opted Out", "Email Opted Out",
        "E-mail Opt Out", "Unsubscribe",
    ],
    "opt_out_bulk_email": ["DoNotBulkEMail", "Do not allow Bulk Emails", "Do Not Bulk Email"],
    "opt_out_phone": ["DoNotPhone", "Do not allow Phone Calls", "Do Not Call", "DoNotCall", "Phone Opt Out"],
    "opt_out_letter": ["DoNotPostalMail", "Do not allow Mails", "Do Not Mail", "Do Not Send Mail",
                       "Mail Opt Out"],
}

# Address parts by group. The main group holds names without work/home (segtui's own, generic).
ADDRESS_PARTS = ("street", "street2", "street3", "city", "county", "post_code", "country", "formatted")
ADDRESSES = {
    "main": {
        "street": ["Address", "Street", "Street Address", "Address 1", "Address Line 1", "Straße", "Strasse",
                   "Adresse", "Rue", "Dirección", "Calle", "Indirizzo", "Via", "Adres", "Straat", "Gatuadress"],
        "street2": ["Address 2", "Address Line 2", "Street 2", "Adresszusatz", "Complément d'adresse"],
        "street3": ["Address 3", "Address Line 3", "Street 3"],
        "city": ["City", "Town", "Locality", "Ort", "Stadt", "Ville", "Ciudad", "Localidad", "Città", "Località",
                 "Plaats", "Woonplaats", "Stad", "Postort"],
        "county": ["County", "State", "Region", "Province", "State/Province", "Bundesland", "Kanton",
                   "Département", "Région", "Provincia", "Estado", "Provincie", "Län", "Landskap"],
        "post_code": ["Post Code", "Postcode", "Postal Code", "Zip", "Zip Code", "ZipCode", "Postleitzahl",
                      "PLZ", "Code postal", "Código postal", "CAP", "Postnummer"],
        "country": ["Country", "Country/Region", "Country Code", "Land", "Land/Region", "Pays", "Pays/Région",
                    "País", "País o región", "Paese", "Paese/area geografica", "Nazione", "Land/regio"],
    },
    "work": {
        "street": ["Business Street", "Work Street", "Work Address", "Business Address Street",
                   "Straße geschäftlich", "Rue (bureau)", "Calle del trabajo", "Via (uff.)",
                   "Werkadres, straat", "Straat (werk)", "Gatuadress, arbete", "Adress, arbete"],
        "street2": ["Business Street 2", "Work Address 2", "Work Street 2", "Straße geschäftlich 2",
                    "Rue (bureau) 2", "Calle del trabajo 2", "Via (uff.) 2", "Werkadres, straat 2",
                    "Gatuadress 2, arbete"],
        "street3": ["Business Street 3", "Work Street 3", "Business Address PO Box", "Postfach geschäftlich",
                    "Boîte postale (bureau)", "Straße geschäftlich 3", "Rue (bureau) 3",
                    "Calle del trabajo 3", "Via (uff.) 3", "Werkadres, straat 3", "Gatuadress 3, arbete"],
        "city": ["Business City", "Work City", "Ort geschäftlich", "Ville (bureau)", "Ciudad de trabajo",
                 "Città (uff.)", "Werkadres, plaats", "Plaats (werk)", "Ort, arbete", "Postort, arbete"],
        "county": ["Business State", "Work State", "Region geschäftlich", "Bundesland/Kanton geschäftlich",
                   "Dép/Région (bureau)", "Département ou région (bureau)", "Département (bureau)",
                   "Provincia o estado de trabajo", "Provincia (uff.)",
                   "Werkadres, provincie", "Provincie (werk)", "Region, arbete", "Delstat, arbete"],
        "post_code": ["Business Postal Code", "Work ZipCode", "Work Zip", "Work Postal Code", "Business Zip",
                      "Postleitzahl geschäftlich", "Code postal (bureau)", "Código postal del trabajo",
                      "CAP (uff.)", "Werkadres, postcode", "Postcode (werk)", "Postnummer, arbete"],
        "country": ["Business Country/Region", "Business Country", "Work Country", "Land/Region geschäftlich",
                    "Land geschäftlich", "Pays/Région (bureau)", "Pays (bureau)", "País o región del trabajo",
                    "Paese/area geografica (uff.)", "Werkadres, land/regio", "Land (werk)",
                    "Land/region, arbete", "Land, arbete"],
        "formatted": ["Business Address", "Adresse geschäftlich", "Adresse (bureau)"],
    },
    "home": {
        "street": ["Home Street", "Home Address", "Straße privat", "Rue (domicile)", "Calle del domicilio",
                   "Via (ab.)", "Huisadres, straat", "Straat (thuis)", "Gatuadress, hem", "Adress, hem"],
        "street2": ["Home Street 2", "Home Address 2", "Straße privat 2", "Rue (domicile) 2",
                    "Calle del domicilio 2", "Via (ab.) 2", "Huisadres, straat 2", "Gatuadress 2, hem"],
        "street3": ["Home Street 3", "Home Address PO Box", "Postfach privat", "Boîte postale (domicile)",
                    "Straße privat 3", "Rue (domicile) 3", "Calle del domicilio 3",
                    "Via (ab.) 3", "Huisadres, straat 3", "Gatuadress 3, hem"],
        "city": ["Home City", "Ort privat", "Ville (domicile)", "Ciudad de residencia", "Città (ab.)",
                 "Huisadres, plaats", "Plaats (thuis)", "Ort, hem", "Postort, hem"],
        "county": ["Home State", "Region privat", "Bundesland/Kanton privat", "Dép/Région (domicile)",
                   "Département ou région (domicile)", "Département (domicile)",
                   "Provincia o estado de residencia", "Provincia (ab.)", "Huisadres, provincie",
                   "Provincie (thuis)", "Region, hem", "Delstat, hem"],
        "post_code": ["Home Postal Code", "Home ZipCode", "Home Zip", "Postleitzahl privat",
                      "Code postal (domicile)", "Código postal de residencia", "CAP (ab.)",
                      "Huisadres, postcode", "Postcode (thuis)", "Postnummer, hem"],
        "country": ["Home Country/Region", "Home Country", "Land/Region privat", "Land privat",
                    "Pays/Région (domicile)", "Pays (domicile)", "País o región de residencia",
                    "Paese/area geografica (ab.)",
                    "Huisadres, land/regio", "Land (thuis)", "Land/region, hem", "Land, hem"],
        "formatted": ["Home Address Formatted", "Adresse privat", "Adresse (domicile)"],
    },
    "other": {
        "street": ["Other Street", "Other Address", "Weitere Straße", "Rue (autre)", "Otra calle", "Altra via",
                   "Ander adres, straat", "Gatuadress, annan"],
        "street2": ["Other Street 2", "Weitere Straße 2", "Rue (autre) 2", "Otra calle 2", "Altra via 2",
                    "Ander adres, straat 2", "Gatuadress 2, annan"],
        "street3": ["Other Street 3", "Other Address PO Box", "Weiteres Postfach", "Weitere Straße 3",
                    "Rue (autre) 3", "Otra calle 3", "Altra via 3",
                    "Ander adres, straat 3", "Gatuadress 3, annan"],
        "city": ["Other City", "Weiterer Ort", "Ville (autre)", "Otra ciudad", "Altra città",
                 "Ander adres, plaats", "Ort, annan"],
        "county": ["Other State", "Weitere Region", "Weiteres Bundesland/Kanton", "Weiteres/r Bundesland/Kanton",
                   "Dép/Région (autre)",
                   "Otra provincia o estado", "Altra provincia", "Ander adres, provincie", "Region, annan"],
        "post_code": ["Other Postal Code", "Other ZipCode", "Other Zip", "Weitere Postleitzahl",
                      "Code postal (autre)", "Otro código postal", "Altro CAP", "Ander adres, postcode",
                      "Postnummer, annan"],
        "country": ["Other Country/Region", "Other Country", "Weiteres Land/Region", "Weiteres/e Land/Region",
                    "Weiteres Land",
                    "Pays/Région (autre)", "Otro país o región", "Altro paese/area geografica",
                    "Ander adres, land/regio", "Land/region, annan"],
    },
}

# Known columns that describe another column (its type, its display name): read by nothing,
# listed as unused, but never warned about.
DESCRIBING = [
    "E-mail Type", "E-mail Display Name", "E-mail 2 Type", "E-mail 2 Display Name", "E-mail 3 Type",
    "E-mail 3 Display Name", "E-Mail-Typ", "E-Mail: Angezeigter Name", "E-Mail 2: Typ",
    "E-Mail 2: Angezeigter Name", "E-Mail 3: Typ", "E-Mail 3: Angezeigter Name", "Type de messagerie",
    "Nom complet de l'adresse de messagerie", "Tipo de correo electrónico",
    "Nombre de pantalla de correo electrónico", "Tipo posta elettronica", "Nome visualizzato posta elettronica",
    "E-mailtype", "Weergavenaam voor e-mail", "E-posttyp", "Visningsnamn för e-post",
]

# Outlook in French writes "Titre" twice: the salutation, then (after Service) the job title.
SECOND_OCCURRENCE = {"titre": ("job_title", 0)}

# Google writes numbered groups: "E-mail 1 - Value", "Phone 2 - Type", "Address 1 - City".
GOOGLE_PARTS = {"street": "street", "extendedaddress": "street2", "pobox": "street3", "city": "city",
                "region": "county", "postalcode": "post_code", "country": "country", "formatted": "formatted"}
GOOGLE = re.compile(r"^(email|phone|address|organi[sz]ation)(\d+)(.*)$")

# segtui's own export: the field names, exactly as written.
SEGTUI_OWN = {
    "no": "no", "type": "type", "name": "name", "first_name": "first_name", "surname": "surname",
    "company_no": "company_no", "company_name": "organisation", "address": "main.street",
    "address_2": "main.street2", "post_code": "main.post_code", "city": "main.city", "county": "main.county",
    "country_code": "main.country", "phone": "phone", "mobile": "mobile", "email": "email",
    "language_code": "language_code", "salesperson_code": "salesperson_code",
    "territory_code": "territory_code", "correspondence_type": "correspondence_type",
    "exclude_from_segment": "exclude_from_segment", "job_title": "job_title",
}

# The program a header comes from, by a column only it writes (for the result's "source").
PROGRAMS = (
    ("google", ("Given Name", "Family Name", "E-mail 1 - Value", "Organization 1 - Name", "Phone 1 - Value",
                "Address 1 - Formatted")),
    ("thunderbird", ("Primary Email", "Secondary Email", "Work ZipCode")),
    ("linkedin", ("Connected On",)),
    ("roundcube", ("Email Home", "Email Work", "Home Mobile")),
    ("hubspot", ("Unsubscribed from all email",)),
    ("salesforce", ("HasOptedOutOfEmail", "Email Opt Out")),
    ("dynamics", ("DoNotEmail", "DoNotBulkEMail", "DoNotPhone", "Do not allow Emails")),
    ("outlook", ("E-mail Address", "Business Street", "Home Street", "Business Phone", "Mobile Phone",
                 "E-Mail-Adresse", "Adresse de messagerie", "Dirección de correo electrónico",
                 "Indirizzo posta elettronica", "E-mailadres", "E-postadress", "Straße geschäftlich",
                 "Rue (bureau)", "Calle del trabajo", "Via (uff.)", "Werkadres, straat", "Gatuadress, arbete")),
)

# Unused columns that look like contact data: a warning names them when they hold values.
LOOKS_LIKE = (
    ("an e-mail", re.compile(r"mail|courriel|correo|posta elettronica|e-?post", re.IGNORECASE)),
    ("a phone", re.compile(r"phone|tel[eé]?f|^tel|tél|mobil|móvil|cell|handy|portable|fon\b", re.IGNORECASE)),
    ("an address", re.compile(r"address|adress|anschrift|street|stra(ss|ß)e|rue\b|calle|\bvia\b|straat|gatu|city|"
                              r"\bort\b|ville|ciudad|citt|plaats|zip|postal|post ?code|plz|\bcap\b|"
                              r"postnummer|country|\bland\b|pays|pa[ií]s|paese", re.IGNORECASE)),
    ("a company", re.compile(r"company|organi[sz]|firma|soci[eé]t|empresa|azienda|bedrijf|f[oö]retag|"
                             r"employer|unternehmen", re.IGNORECASE)),
)
NOT_DATA = re.compile(r"fax|pager|type\b|typ\b|display|label|angezeigt|weergave|visningsnamn|"
                      r"department|abteilung|departamento|reparto|afdeling|avdelning", re.IGNORECASE)


def key(column):
    """A column name compared loosely: no case, spaces or punctuation."""
    return re.sub(r"[\W_]+", "", column.casefold())


def _table():
    slots: dict = {}
    for field, names in FIELDS.items():
        for rank, name in enumerate(names):
            slots.setdefault(key(name), (field, rank))
    for group, parts in ADDRESSES.items():
        for part, names in parts.items():
            for rank, name in enumerate(names):
                slots.setdefault(key(name), (f"{group}.{part}", rank))
    for name in DESCRIBING:
        slots.setdefault(key(name), ("describing", 0))
    return slots


SLOTS = _table()
GROUP_ORDER = ("main", "work", "home", "other")
