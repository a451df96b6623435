"""The report: executing notebooks and turning them into the HTML report, in four steps.

build (the build itself: the output checked, its lock held) runs plan (which notebooks run, with which parameters and
cache keys), run (kernels started by nbclient, in parallel, or the cache; execute runs one notebook), render (each
page and the index through the templates: pages arranges a notebook for readers, provenance says where it comes from,
findings what the numbers allow us to say) and publish (the swap into place). folders says where a build may write,
cache keeps built pages keyed on everything that can change them. It may import from every other layer; nothing but
``kzfigures.cli`` imports from it.
"""
