//! E-mail: the only module that imports lettre. Sends the one-time links (invitations, password
//! resets) through an SMTP server when one is configured (`--smtp-url`); without one, links are
//! handed over by whoever issued them.

use lettre::message::header::ContentType;
use lettre::message::{Mailbox, Message};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

use crate::domain::{LinkPurpose, OneTimeLink};
use crate::error::{Error, Result};

/// How long sending one message may take before it is given up.
const SEND_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(15);

/// An SMTP transport and the address messages come from.
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer").field("from", &self.from.to_string()).finish_non_exhaustive()
    }
}

impl Mailer {
    /// A mailer for `url` (`smtp://host:port` in clear, as on a local relay; `smtp://…?tls=required`
    /// for STARTTLS; `smtps://user:password@host` for TLS from the start) sending from `from`.
    pub fn new(url: &str, from: &str) -> Result<Self> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|err| Error::invalid("smtp-url", format!("is not an SMTP address: {err}")))?
            .timeout(Some(SEND_TIMEOUT))
            .build();
        let from = from
            .parse::<Mailbox>()
            .map_err(|err| Error::invalid("mail-from", format!("`{from}` is not an e-mail address: {err}")))?;
        Ok(Self { transport, from })
    }

    /// Sends a one-time link to the address it was issued for, in French.
    pub async fn send_link(&self, link: &OneTimeLink, url: &str) -> Result<()> {
        let to = link
            .email
            .parse::<Mailbox>()
            .map_err(|err| Error::invalid("email", format!("`{}` cannot receive e-mail: {err}", link.email)))?;
        let (subject, body) = message(link, url);
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body)
            .map_err(|err| Error::internal(format!("cannot build the message: {err}")))?;
        self.transport
            .send(message)
            .await
            .map_err(|err| Error::Unavailable(format!("the SMTP server refused the message: {err}")))?;
        Ok(())
    }
}

/// The subject and text of the message carrying a link.
fn message(link: &OneTimeLink, url: &str) -> (String, String) {
    let expires = link.expires_at.format("%d/%m/%Y à %H:%M UTC");
    let greeting = match &link.name {
        Some(name) => format!("Bonjour {name},"),
        None => "Bonjour,".to_owned(),
    };
    match link.purpose {
        LinkPurpose::Invitation => (
            "Votre invitation à retex, la base des retours d'expérience".to_owned(),
            format!(
                "{greeting}\n\n{} vous invite à rejoindre retex, la base des retours d'expérience du réseau.\n\n\
                 Pour créer votre compte et choisir votre mot de passe, ouvrez ce lien (valable jusqu'au {expires}, une seule fois) :\n\n{url}\n\n\
                 Si vous n'attendiez pas cette invitation, ignorez ce message.\n",
                link.created_by
            ),
        ),
        LinkPurpose::PasswordReset => (
            "Nouveau mot de passe pour retex".to_owned(),
            format!(
                "{greeting}\n\nUn administrateur vous a envoyé un lien pour choisir un nouveau mot de passe.\n\n\
                 Ouvrez ce lien (valable jusqu'au {expires}, une seule fois) :\n\n{url}\n\n\
                 Vos autres sessions seront fermées. Si vous n'avez rien demandé, prévenez votre administrateur.\n"
            ),
        ),
    }
}
