"""Only here to ship the top-level translations/ inside built wheels.

The design card keeps catalogues in ``translations/`` beside the package; an installed
(non-editable) package would not find them, so the build copies the ``.po`` files into
``expertnet/translations``. ``.mo`` files are never committed: the app compiles them
into its instance folder on start-up (see expertnet/core/i18n.py).
"""
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildPyWithCatalogues(build_py):
    def run(self):
        super().run()
        source = Path(__file__).parent / "translations"
        target = Path(self.build_lib) / "expertnet" / "translations"
        for po in source.glob("*/LC_MESSAGES/messages.po"):
            destination = target / po.relative_to(source)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(po, destination)


setup(cmdclass={"build_py": BuildPyWithCatalogues})
