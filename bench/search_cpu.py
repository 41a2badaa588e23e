"""CPU time of searches as the API runs them (facets, highlights of 20 hits), on a kept
instance: what compares two versions of the code on a machine shared with others, where
wall-clock times swing with the load.

    PYTHONPATH=<checkout> .venv/bin/python -m bench.search_cpu --instance DIR [--label NAME]

DIR is an instance kept by ``bench.search --keep DIR`` (copy it first: this opens its
index). For a checkout older than this file, run it from inside that checkout so that its
``expertnet`` is the one measured::

    cd <checkout> && python -c "import runpy, sys; sys.argv = ['search_cpu', '--instance', 'DIR'];
        runpy.run_path('<this file>', run_name='__main__')"
 Prints p50, p95 and mean CPU milliseconds of 20 queries x 3 rounds after a warm-up.
"""
import argparse
import statistics
import time

QUERIES = ("cảng biển", "cang bien", "logistics", "trí tuệ nhân tạo", "tri tue nhan tao",
           "Nguyễn Văn", "nguyen van duc", "kinh tế biển", "học máy", "port automation",
           "năng lượng tái tạo", "an toàn thông tin", "chuyển đổi số", "hàng hải", "thủy sản",
           "môi trường biển", "Lê Thị", "Trần", "data science", "marine biology")
ROUNDS = 3


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--instance", required=True)
    parser.add_argument("--label", default="")
    args = parser.parse_args()
    from expertnet import create_app, search
    # The layout before the domain modules first: the shared virtualenv's editable
    # install would find ``expertnet.core.db`` in the main checkout for an older tree.
    try:
        from expertnet.db import database
    except ImportError:
        from expertnet.core.db import database
    app = create_app({"INSTANCE_PATH": args.instance, "RECONCILE_ON_START": False})
    with app.app_context(), database.connection_context():
        store = search.get_store(app)
        times = []
        for round_number in range(ROUNDS + 1):
            for text in QUERIES:
                request = search.SearchRequest(text=text, per_page=20,
                                               visibility=("public", "officials", "curators"))
                started = time.process_time()
                search.search(store, request)
                if round_number:  # the first round warms the caches
                    times.append((time.process_time() - started) * 1000)
        store.close()
    times.sort()
    print(f"{args.label} p50 {times[len(times) // 2]:.1f} p95 {times[int(len(times) * 0.95)]:.1f} "
          f"mean {statistics.mean(times):.1f} ms CPU")


if __name__ == "__main__":
    main()
