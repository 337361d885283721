"""The podcast feed: RSS 2.0 with the iTunes tags podcast apps read, and transcripts.

Django's RSS writer does the escaping; this adds the iTunes and Podcasting 2.0
namespaces. Each episode links to its page, which is its transcript
(`podcast:transcript`, type text/html), and offers its first audio link as the
enclosure. The length of the sound file isn't known, so it is 0, as the RSS advisory
board allows for unknown lengths.
"""

import datetime
import mimetypes

from django.utils.feedgenerator import Enclosure, Rss201rev2Feed

from thegither.stories.models import Episode

ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST = "https://podcastindex.org/namespace/1.0"
CATEGORY = "Society & Culture"


class PodcastFeed(Rss201rev2Feed):
    def rss_attributes(self):
        attributes = super().rss_attributes()
        attributes["xmlns:itunes"] = ITUNES
        attributes["xmlns:podcast"] = PODCAST
        return attributes

    def add_root_elements(self, handler):
        super().add_root_elements(handler)
        handler.addQuickElement("itunes:author", self.feed["author_name"])
        handler.addQuickElement("itunes:summary", self.feed["description"])
        handler.addQuickElement("itunes:type", "episodic")
        handler.addQuickElement("itunes:explicit", "false")
        handler.addQuickElement("itunes:category", attrs={"text": CATEGORY})

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        handler.addQuickElement("itunes:title", item["title"])
        handler.addQuickElement("itunes:summary", item["description"])
        handler.addQuickElement("itunes:episodeType", "full")
        handler.addQuickElement("itunes:explicit", "false")
        if item.get("duration_seconds") is not None:
            handler.addQuickElement("itunes:duration", str(item["duration_seconds"]))
        handler.addQuickElement(
            "podcast:transcript",
            attrs={"url": item["transcript_url"], "type": "text/html", "language": "en"},
        )


def _audio_type(url: str) -> str:
    guessed, _encoding = mimetypes.guess_type(url.split("?", 1)[0])
    return guessed if guessed and guessed.startswith("audio/") else "audio/mpeg"


def podcast_feed(
    episodes: list[Episode],
    *,
    title: str,
    description: str,
    link: str,
    feed_url: str,
    base_url: str,
) -> str:
    """Return the RSS 2.0 podcast feed of the episodes (each must have an audio link)."""
    feed = PodcastFeed(
        title=title,
        link=link,
        description=description,
        language="en-gb",
        author_name=title,
        feed_url=feed_url,
    )
    for episode in episodes:
        url = f"{base_url}{episode.get_absolute_url()}"
        audio = episode.audio_urls[0]
        feed.add_item(
            title=episode.title,
            link=url,
            description=episode.subtitle or episode.title,
            unique_id=url,
            unique_id_is_permalink=True,
            pubdate=_noon(episode),
            enclosures=[Enclosure(audio, "0", _audio_type(audio))],
            duration_seconds=episode.duration_seconds,
            transcript_url=url,
        )
    return feed.writeString("utf-8")


def _noon(episode: Episode) -> datetime.datetime | None:
    if episode.published_on is None:
        return None
    return datetime.datetime.combine(episode.published_on, datetime.time(12), datetime.UTC)
