"""An email backend for laptops: print each email as a person would read it.

Django's console backend prints the raw message, where long lines are cut with
"=" (quoted-printable), so a password-reset link can't be clicked or copied
whole. This one prints the headers that matter and the plain text as it is.
"""

from django.core.mail.backends.console import EmailBackend


class ConsoleEmailBackend(EmailBackend):
    def write_message(self, message):
        lines = [
            f"From: {message.from_email}",
            f"To: {', '.join(message.to)}",
        ]
        if message.cc:
            lines.append(f"Cc: {', '.join(message.cc)}")
        lines += [f"Subject: {message.subject}", "", str(message.body).rstrip("\n")]
        extras = len(getattr(message, "alternatives", [])) + len(message.attachments)
        if extras:
            lines += ["", f"({extras} more part(s), such as an HTML version, not shown here)"]
        self.stream.write("\n".join(lines) + "\n")
        self.stream.write("-" * 79 + "\n")
