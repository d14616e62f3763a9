"""What the support tickets say: the queues, the issues customers write about, the urgency cues,
and the lexicons the model API reads them with.

Hearth sells smart-home devices (a hub, cameras, a thermostat, a doorbell) and a Hearth Plus
subscription. Each issue is one thing a customer writes about, with several phrasings and the
urgency it usually has. The model API's answers are computed from a lexicon (weighted words per
queue and per urgency level): the private one, used when grading, knows the words of every
phrasing in every language; the public one, shipped with the stand-in, knows fewer, English
only, so it answers worse and gives nothing about the graded answers away.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

QUEUES = ("billing", "technical", "account", "shipping", "returns", "sales")
"""In the order of their numbers: billing is queue 1, sales queue 6."""
QUEUE_WEIGHTS = (0.22, 0.27, 0.16, 0.15, 0.11, 0.09)
URGENCY = ("low", "normal", "high", "urgent")
PRODUCTS = ("Hearth Hub", "Hearth Cam", "Hearth Thermo", "Hearth Doorbell", "Hearth Plus")
DEVICES = ("hub", "camera", "thermostat", "doorbell", "outdoor camera", "smart plug")


@dataclass(frozen=True)
class Issue:
    """One thing customers write about: its queue, its usual urgency (0 low .. 3 urgent), the
    subject lines and the sentences they use. Slots in braces are filled per ticket."""

    queue: str
    urgency: int
    subjects: tuple[str, ...]
    lines: tuple[str, ...]
    language: str = "en"
    later: tuple[str, ...] = ()
    """Phrasings that only came up after the export: half of the graded tickets use them."""


# fmt: off
ISSUES: tuple[Issue, ...] = (
    # billing
    Issue("billing", 2, ("Charged twice", "double charge??", "Duplicate payment"), (
        "I was charged twice for my Hearth Plus subscription this month, {amount} both times.",
        "There are two identical charges of {amount} on my bank statement from you.",
        "you took the payment twice!! {amount} on the {day} and again on the {day2}",
    ), later=(
        "Two debits of {amount} hit my account on the same day, one of them has to go back.",
        "The money for Plus was taken two times this month, I only have one subscription.",
    )),
    Issue("billing", 1, ("Invoice wrong", "Question about invoice {invoice}", "Incorrect bill"), (
        "My invoice {invoice} shows {amount} but my plan is {amount2} a month.",
        "The amount on invoice {invoice} is wrong, I was billed for two cameras and I have one.",
        "Can you explain the extra {amount2} on my latest invoice?",
    ), later=(
        "The total on receipt {invoice} does not add up, there is a line for a service I never "
        "signed up to.",
        "Why does my statement from Hearth list a cloud storage fee of {amount2}?",
    )),
    Issue("billing", 0, ("Copy of invoice", "Invoices for accounting", "VAT invoice"), (
        "Could you send me copies of my invoices for {month}? My accountant needs them.",
        "I need a VAT invoice for order {order} for my company expenses.",
        "Where can I download my past invoices? I can only see the last one.",
    ), later=(
        "For our tax return I need receipts of every payment since {month}.",
        "Our finance department asks for a receipt with our company's VAT number on it.",
    )),
    Issue("billing", 1, ("Price went up", "Subscription price increase", "Why the new price"), (
        "My monthly fee went up from {amount2} to {amount} without any notice.",
        "Why am I paying more for Hearth Plus than last year? The charge is now {amount}.",
    ), later=(
        "Nobody told me the Plus membership would cost {amount} from now on, it used to be "
        "{amount2}.",
    )),
    Issue("billing", 2, ("Payment failed", "Card declined", "Can't pay"), (
        "My card was declined when Hearth Plus tried to renew, but the card works everywhere "
        "else. Please retry the payment.",
        "The payment for my subscription failed and now the app says my plan is suspended.",
    ), later=(
        "Renewal didn't go through and the membership is on hold, my bank says they never saw "
        "a request from you.",
    )),
    Issue("billing", 1, ("Cancel subscription billing", "Stop charging me"), (
        "I cancelled Hearth Plus in {month} but you are still charging my card every month.",
        "Please stop the direct debit, I no longer use the subscription.",
    ), later=(
        "I ended my membership months ago and the monthly debits keep coming.",
    )),
    # technical
    Issue("technical", 1, ("Camera offline", "wifi disconnects", "Device keeps dropping"), (
        "My {device} keeps disconnecting from the wifi, several times a day.",
        "The {device} goes offline every night and only comes back after I unplug it.",
        "{device} shows offline in the app even though the router is right next to it",
    ), later=(
        "The {device} loses its network connection all the time, the signal bars are full.",
        "My {device} won't stay connected to the internet for more than an hour.",
    )),
    Issue("technical", 2, ("App crashes", "App not working", "Live view crash"), (
        "The app crashes as soon as I open the live view of my {device}.",
        "Since the last app update the app closes itself when I tap on the {device}.",
        "app freezes on the loading screen, reinstalling did not help",
    ), later=(
        "The Hearth application shuts down on my Android phone every time I open the camera "
        "feed.",
        "Live video just shows a spinning wheel, the picture never loads.",
    )),
    Issue("technical", 2, ("Error code E{code}", "Device shows error", "Red light blinking"), (
        "The {device} shows error code E{code} and will not start.",
        "After the firmware update {version} the {device} is stuck with a blinking red light.",
        "Firmware update failed halfway and now the {device} does not boot.",
    ), later=(
        "The {device} is dead since last night's software update, no lights at all.",
        "It flashes orange and restarts in a loop, a factory reset did nothing.",
    )),
    Issue("technical", 1, ("No motion alerts", "Notifications stopped", "Alerts not arriving"), (
        "Motion alerts stopped arriving on my phone, the camera still records.",
        "I get no notifications anymore when someone rings the doorbell.",
    ), later=(
        "My phone no longer pings when there is movement in the garden.",
    )),
    Issue("technical", 1, ("Thermostat wrong temperature", "Heating not following schedule"), (
        "The thermostat reads {n} degrees too high and the heating never switches on.",
        "The heating schedule is ignored, the thermostat stays at the same temperature all day.",
    ), later=(
        "The boiler doesn't fire up at the programmed times, the house is cold every morning.",
    )),
    Issue("technical", 0, ("Integration question", "Works with voice assistant?"), (
        "How do I connect the {device} to my voice assistant? The setup guide is unclear.",
        "Is it possible to use the hub with my existing smart bulbs? I can't find the setting.",
    ), later=(
        "Does the {device} work with Alexa or Google Home? I could not pair it.",
    )),
    # account
    Issue("account", 2, ("Can't log in", "Password reset not working", "Locked out"), (
        "I can't log in, the password reset email never arrives.",
        "My account is locked after too many login attempts and I can't see my cameras.",
        "the reset password link says expired every time i click it",
    ), later=(
        "The app keeps telling me my credentials are wrong, I haven't changed them.",
        "I'm unable to sign into my profile since yesterday, it just says access denied.",
    )),
    Issue("account", 1, ("Change email address", "Update my email", "New email"), (
        "Please change the email address on my account to {email}.",
        "I have a new email address, {email}, please update my login.",
    ), later=(
        "My old address no longer exists, please move my profile to {email}.",
    )),
    Issue("account", 0, ("Delete my account", "Remove my data", "Close account"), (
        "I want to delete my account and all the data you hold about me.",
        "Please close my account, I sold the house and the devices with it.",
    ), later=(
        "Under GDPR I ask you to erase my profile and everything stored on it.",
    )),
    Issue("account", 2, ("2FA codes rejected", "Two-factor problem", "Verification code"), (
        "Two-factor authentication codes are not accepted, it says the code is invalid.",
        "I changed phones and now I don't get the verification code to sign in.",
    ), later=(
        "The six-digit security code from the authenticator app is refused every time.",
    )),
    Issue("account", 0, ("Add a user", "Share access", "Second user"), (
        "How do I give my partner access to the account as a second user?",
        "Can I share the cameras with my parents without giving them my password?",
    ), later=(
        "I'd like my flatmate to have her own profile on our household.",
    )),
    # shipping
    Issue("shipping", 1, ("Where is my order", "Order not arrived", "Tracking not updating"), (
        "My order {order} has not arrived yet and the tracking hasn't moved for {days} days.",
        "Where is my parcel? Order {order} was supposed to be delivered on {date}.",
        "tracking for {order} says in transit since last week, is it lost?",
    ), later=(
        "Still waiting on {order}, the courier's site has shown 'out for dispatch' for ages.",
        "It's been {days} days and nothing has turned up at my door for {order}.",
    )),
    Issue("shipping", 1, ("Wrong address", "Change delivery address"), (
        "Can I change the delivery address for order {order}? We are moving next week.",
        "The courier delivered the package to the wrong address, a neighbour has it maybe.",
    ), later=(
        "The driver says he dropped it off but it went to number 12 instead of 21.",
    )),
    Issue("shipping", 2, ("Package damaged", "Box arrived crushed"), (
        "The box arrived crushed and the {device} inside rattles.",
        "Delivery came today but the package was open and the {device} is missing.",
    ), later=(
        "The carton was soaked and torn when the driver handed it over.",
    )),
    Issue("shipping", 0, ("Delivery options", "Express shipping?"), (
        "Do you offer express delivery to Ireland? I need the {device} before the weekend.",
        "How long does shipping usually take for a pre-order?",
    ), later=(
        "Can you post to a pickup point instead of my home address?",
    )),
    # returns
    Issue("returns", 1, ("Return request", "I want to return", "Return label"), (
        "I would like to return the {device}, it is not what I expected.",
        "Please send me a return label for order {order}.",
        "how do i send back the {device}? bought it {days} days ago",
    ), later=(
        "I changed my mind about the {device} and would like my money back, it is still boxed.",
        "Within the 30-day window, I want to hand back the {device}.",
    )),
    Issue("returns", 1, ("Refund for return", "Refund not received"), (
        "I sent the {device} back {days} days ago and still have no refund.",
        "You received my return last week but the refund of {amount} is not on my card yet.",
    ), later=(
        "The courier collected the parcel I sent back, when will the money be credited?",
    )),
    Issue("returns", 2, ("Warranty replacement", "Broken after months", "Defective device"), (
        "The {device} stopped working after {n} months, it should be under warranty. "
        "I want a replacement.",
        "My {device} is defective, it died after a few months. Can I exchange it?",
    ), later=(
        "The {device} is faulty and still under guarantee, please send a new unit.",
    )),
    Issue("returns", 0, ("Exchange for other model", "Swap device"), (
        "Can I exchange the indoor camera for the outdoor model? It is unopened.",
        "I ordered the wrong colour of the doorbell, can I swap it?",
    ), later=(
        "I'd rather have the white version, could you trade mine for one?",
    )),
    # sales
    Issue("sales", 0, ("Bulk order", "Quote for business", "Discount for many units"), (
        "We'd like a quote for {n}0 thermostats for our rental flats. Is there a volume discount?",
        "Do you offer business pricing for {n}0 cameras across our offices?",
    ), later=(
        "We manage {n}0 apartments and want pricing for kitting them all out.",
    )),
    Issue("sales", 0, ("Plan comparison", "Plus vs Pro", "Which plan"), (
        "What's the difference between Hearth Plus and Plus Pro? Is video history longer?",
        "Before I buy: which plan do I need for three cameras and cloud recording?",
    ), later=(
        "Which package would suit a small shop with four cameras?",
    )),
    Issue("sales", 1, ("Upgrade plan", "Upgrade question"), (
        "I want to upgrade to Plus Pro, do I lose my recordings if I upgrade mid-month?",
        "Can I upgrade my plan and get the new doorbell at the bundle price?",
    ), later=(
        "I'm thinking of moving up to the Pro tier, what would it cost me?",
    )),
    Issue("sales", 0, ("Student discount", "Promo code", "Offer question"), (
        "Is there a student discount on the starter kit?",
        "My promo code from the newsletter doesn't work at checkout, is the offer still on?",
    ), later=(
        "Will there be a Black Friday deal on the camera kits this year?",
    )),
)

NEW_ISSUES: tuple[Issue, ...] = (
    Issue("technical", 2, ("Lock won't pair", "Hearth Lock problem"), (
        "The new Hearth Lock won't pair with the hub, the keypad just flashes.",
        "My smart lock's battery drains in a week and it jams half way.",
    )),
    Issue("sales", 0, ("Hearth Lock question",), (
        "Is the Hearth Lock included in the Plus bundle, or sold separately?",
    )),
    Issue("shipping", 1, ("Lock pre-order",), (
        "The lock I pre-ordered in April still shows 'awaiting dispatch'.",
    )),
)
"""Issues of the Hearth Lock, launched after the export: only the graded tickets have them."""

FOREIGN_ISSUES: tuple[Issue, ...] = (
    Issue("billing", 2, ("Doppelte Abbuchung",), (
        "Sie haben {amount} zweimal von meinem Konto abgebucht. Bitte erstatten Sie den Betrag.",
    ), "de"),
    Issue("billing", 1, ("Rechnung falsch",), (
        "Meine Rechnung {invoice} ist falsch, der Betrag stimmt nicht.",
    ), "de"),
    Issue("technical", 1, ("Kamera offline",), (
        "Meine Kamera ist ständig offline und verbindet sich nicht mehr mit dem WLAN.",
    ), "de"),
    Issue("account", 2, ("Passwort vergessen",), (
        "Ich kann mich nicht anmelden, die E-Mail zum Zurücksetzen des Passworts kommt nie an.",
    ), "de"),
    Issue("shipping", 1, ("Lieferung fehlt",), (
        "Meine Bestellung {order} ist noch nicht angekommen, das Paket hängt seit Tagen fest.",
    ), "de"),
    Issue("returns", 1, ("Rücksendung",), (
        "Ich möchte das Gerät zurücksenden und mein Geld zurück. Wie geht die Rücksendung?",
    ), "de"),
    Issue("billing", 2, ("Double prélèvement",), (
        "Vous m'avez prélevé {amount} deux fois ce mois-ci, merci de me rembourser.",
    ), "fr"),
    Issue("technical", 2, ("Application plante",), (
        "L'application plante dès que j'ouvre la caméra, impossible de voir la vidéo.",
    ), "fr"),
    Issue("account", 1, ("Mot de passe",), (
        "Je n'arrive plus à me connecter à mon compte, le mot de passe est refusé.",
    ), "fr"),
    Issue("shipping", 1, ("Colis non reçu",), (
        "Je n'ai toujours pas reçu mon colis, commande {order}. La livraison est en retard.",
    ), "fr"),
    Issue("sales", 0, ("Devis",), (
        "Nous souhaitons un devis pour {n}0 thermostats pour nos bureaux.",
    ), "fr"),
    Issue("billing", 1, ("Factura incorrecta",), (
        "La factura {invoice} tiene un importe incorrecto, me cobraron de más.",
    ), "es"),
    Issue("technical", 1, ("Cámara sin conexión",), (
        "La cámara se desconecta del wifi todo el tiempo y aparece sin conexión.",
    ), "es"),
    Issue("returns", 1, ("Devolución",), (
        "Quiero hacer una devolución del termostato, no funciona como esperaba.",
    ), "es"),
    Issue("shipping", 1, ("Envío retrasado",), (
        "Mi pedido {order} no ha llegado, el envío lleva una semana de retraso.",
    ), "es"),
    Issue("sales", 0, ("Presupuesto",), (
        "¿Podrían enviarme un presupuesto para {n}0 cámaras para la empresa?",
    ), "es"),
)

AUTOMATED: tuple[Issue, ...] = (
    Issue("technical", 1, ("[Hearth Monitor] Device {device_id} offline",), (
        "This is an automated message from Hearth Monitor.\nDevice {device_id} ({device}) at "
        "site {site} has not reported since {time}.\nNo action was taken. Reference: "
        "MON-{ref}.",
    ), "auto"),
    Issue("billing", 1, ("Payment failed: invoice {invoice}",), (
        "Automated notice from the payment gateway.\nPayment for invoice {invoice} ({amount}) "
        "was declined by the issuer. Retry scheduled in 72 hours.\nGateway reference: "
        "PG-{ref}.",
    ), "auto"),
    Issue("shipping", 1, ("Delivery exception for {order}",), (
        "Carrier notification: a delivery exception was recorded for shipment {tracking} "
        "(order {order}).\nReason: address incomplete. The parcel is held at the depot for 5 "
        "days.",
    ), "auto"),
)
# fmt: on

GREETINGS = {
    "en": ("Hi,", "Hello,", "Hi there,", "Dear Hearth team,", "Hello support,", "Good morning,",
           "Hey,", ""),
    "de": ("Hallo,", "Guten Tag,", "Sehr geehrte Damen und Herren,"),
    "fr": ("Bonjour,", "Madame, Monsieur,"),
    "es": ("Hola,", "Buenos días,"),
}  # fmt: skip
CLOSINGS = {
    "en": ("Thanks,", "Thank you,", "Regards,", "Best regards,", "Cheers,", "Thanks in advance,",
           "Kind regards,"),
    "de": ("Viele Grüße,", "Mit freundlichen Grüßen,"),
    "fr": ("Cordialement,", "Merci d'avance,"),
    "es": ("Saludos,", "Gracias,"),
}  # fmt: skip
DETAILS = (
    "I have already restarted everything twice.",
    "I bought it on your website in {month}.",
    "My account is under this email.",
    "I attached a screenshot (hope it comes through).",
    "We have had Hearth for about {n} years and never had problems before.",
    "My order number is {order} if that helps.",
    "I tried the help centre but could not find anything.",
    "",
)
URGENCY_CUES: dict[int, tuple[str, ...]] = {
    -1: ("No rush on this.", "Not urgent, whenever you get a chance.", "Just a quick question.",
         "Just wondering."),
    1: ("This is the third time I'm writing about this.", "I still have no answer after {days} "
        "days.", "This is really frustrating.", "Please sort this out quickly."),
    2: ("URGENT: please help asap.", "This is urgent, we are away and the house is unprotected.",
        "I need this fixed immediately, our whole office is affected.", "If this is not fixed "
        "today I will cancel and contact my bank."),
}  # fmt: skip
FOREIGN_URGENT = {"de": "Es ist dringend!", "fr": "C'est urgent !", "es": "¡Es urgente!"}
QUOTED_REPLIES = (
    "Thank you for contacting Hearth Support about your invoice. We have issued a refund to "
    "your card; it can take 5-10 days to appear.",
    "Thanks for your message. Please restart the device and update the firmware, then let us "
    "know if the problem continues.",
    "We're sorry your parcel is late. The courier says it will be delivered within 3 days.",
    "Your return has been registered. Please print the return label attached to this email.",
    "We have reset the password on your account. Please check your spam folder for the email.",
    "Thanks for your interest in Hearth for Business. A sales advisor will send you a quote.",
)
SIGN_OFFS = ("Sent from my iPhone", "Sent from Outlook for Android", "Get Outlook for iOS",
             "-- \nThis email and any attachments are confidential.")  # fmt: skip
TITLES = ("Office Manager", "Facilities", "Operations Lead", "Landlord", "Director", "IT Admin")

# fmt: off
STOPWORDS = frozenset("""
the and for you your yours was were with this that have has had not but are can how what why
when where which who does did get got its it's any all our out now new one two still again
too very just since after before from into about been being them they their there then than
also only some more most much many over under last next each every yet both same other
please could would should will shall may might must need want like know see make made
dont don can't cant won't isn't i'm i've we'd we're etc
der den die das dem und ich mein meine meinem mit sie ist nicht noch seit bitte wie ein eine
les des pour une vous est pas que mon mes dès
los las del una con por para mis
""".split())  # noqa: SIM905  (a paragraph of words reads better than a list of 150 strings)
# fmt: on
"""Words too common to say which queue a ticket is for."""
PUBLIC_LEXICON: dict[str, dict[str, float]] = {
    "billing": {"invoice": 3, "charged": 3, "payment": 2, "bill": 2},
    "technical": {"offline": 3, "error": 2, "crashes": 3, "wifi": 2},
    "account": {"password": 3, "log in": 3, "account": 1},
    "shipping": {"delivery": 3, "tracking": 3, "parcel": 2},
    "returns": {"return": 3, "refund": 2, "warranty": 3},
    "sales": {"quote": 3, "discount": 3, "upgrade": 2},
}
"""What a public model knows of Hearth's queues: a few English words each."""
PRIVATE_URGENCY: dict[str, dict[str, float]] = {
    "urgent": {"urgent": 3, "asap": 3, "immediately": 3, "unprotected": 3, "cancel and": 2,
               "whole office": 3, "dringend": 3, "urgente": 3},
    "high": {"third time": 3, "still have no answer": 3, "frustrating": 2, "quickly": 2,
             "locked": 1, "charged twice": 2, "twice": 1, "crashes": 1, "error code": 1,
             "crushed": 1, "defective": 1, "declined": 1, "suspended": 2, "t log in": 2,
             "not accepted": 1, "stuck": 1, "missing": 1, "fail": 1},
    "low": {"no rush": 3, "not urgent": 3, "quick question": 3, "wondering": 2, "how do i": 1,
            "quote": 1, "discount": 1, "copies": 1, "is there": 1, "exchange": 1,
            "whenever": 2},
}  # fmt: skip
PUBLIC_URGENCY: dict[str, dict[str, float]] = {
    "urgent": {"urgent": 3, "asap": 3},
    "high": {"frustrating": 2, "twice": 1},
    "low": {"no rush": 3, "quick question": 3},
}


def words_of(text: str) -> list[str]:
    """The words of a phrasing as the model API reads them (its slots left out)."""
    return re.findall(r"\w+", re.sub(r"\{[^}]*\}", " ", text).casefold())


def private_lexicon() -> dict[str, dict[str, float]]:
    """What the graded model API knows: every telling word of every phrasing in every
    language, 3 for a word only one queue's tickets use, 1 for a word two queues share;
    a word of three queues or more tells nothing."""
    owners: dict[str, set[str]] = {}
    for issue in (*ISSUES, *NEW_ISSUES, *FOREIGN_ISSUES, *AUTOMATED):
        for phrasing in (*issue.lines, *issue.later, *issue.subjects):
            for word in words_of(phrasing):
                if len(word) > 2 and word not in STOPWORDS and not word.isdigit():
                    owners.setdefault(word, set()).add(issue.queue)
    lexicon: dict[str, dict[str, float]] = {queue: {} for queue in QUEUES}
    for word in sorted(owners):
        if len(owners[word]) <= 2:
            for queue in sorted(owners[word]):
                lexicon[queue][word] = 3.0 if len(owners[word]) == 1 else 1.0
    return lexicon
