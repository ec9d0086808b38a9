"""The site's error index, in the package: what :func:`lossguide.explain` matches against.

One module per concern, none of them importing torch:

- :mod:`~lossguide.error_index.templates`: messages into tokens, and executed messages into
  templates;
- :mod:`~lossguide.error_index.messages`: the messages inside an exception, a warning or a
  pasted traceback;
- :mod:`~lossguide.error_index.matching`: the ranking of entries against those messages;
- :mod:`~lossguide.error_index.index`: the index file, built from the site and shipped here;
- :mod:`~lossguide.error_index.explanations`: :func:`explain` and :class:`Explanation`.
"""

from lossguide.error_index.explanations import Explanation, explain

__all__ = ["Explanation", "explain"]
