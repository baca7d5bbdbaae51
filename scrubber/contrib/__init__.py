"""Integrations with other tools; each module imports its tool only when used.

- :mod:`scrubber.contrib.scrapy`: ``ScrubberPipeline``, a Scrapy item pipeline.
"""
