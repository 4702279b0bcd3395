"""Companies and their persons, generated from the setup data by index into precomputed pools."""
import bisect
import datetime as dt
import itertools
import unicodedata

from .data import (ADDRESS_2, BUSINESS_RELATION_WEIGHTS, BUSINESS_RELATIONS, COUNTRIES, GROUPS, INDUSTRY_GROUPS,
                   JOB_RESPONSIBILITIES, JOB_TITLES, MAILING_GROUPS, PERSONS_PER_COMPANY, SALESPEOPLE)

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
