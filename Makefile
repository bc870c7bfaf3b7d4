# The two set-up commands of ckanext-satudata (see README.md).
.PHONY: run test test-fast services stop status bench i18n

run:      ## install what is missing, start the services, load the demo, serve on 127.0.0.1:5000
	./scripts/run.sh

test:     ## install what is missing, start the services, run the whole test suite
	./scripts/test.sh

test-fast: ## the suite without the tests marked slow (browser, leak hunt, races, scale, model-based, fuzz)
	./scripts/test.sh -m "not slow"

services: ## only start PostgreSQL, Redis and Solr
	./scripts/services.sh start

status:
	./scripts/services.sh status

stop:     ## stop PostgreSQL, Redis and Solr
	./scripts/services.sh stop

bench:    ## speed and memory benchmarks (bench/), against the real services
	./bench/run.sh

i18n:     ## extract messages, merge the Indonesian catalogue, compile it
	./scripts/i18n.sh
