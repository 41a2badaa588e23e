"""Run the directory on the embedded default: ``python run.py``.

On the first run this creates the instance folder (SQLite database, search index,
secret key), loads the bilingual demo profiles and builds the index; afterwards it
just serves. Development server only: see the README for production serving.
"""
import os

from expertnet import create_app
from expertnet.cli import load_demo
from expertnet.core.db import database
from expertnet.directory.models import Expert


def main():
    app = create_app()
    with app.app_context(), database.connection_context():
        if not Expert.select().exists():
            print("First run: loading the demo profiles…")
            report = load_demo()
            print(f"{report.created} demo profiles loaded.")
    host = os.environ.get("EXPERTNET_HOST", "127.0.0.1")
    port = int(os.environ.get("EXPERTNET_PORT", "5000"))
    print(f"expertnet on http://{host}:{port}/")
    app.run(host=host, port=port, debug=False, threaded=True)
    return app


if __name__ == "__main__":
    main()
