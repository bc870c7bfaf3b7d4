# -*- coding: utf-8 -*-
"""The domain of ckanext-satudata, one module per concept (as ``ckan.lib``)."""
