"""Checks of a PDF with tools no one here wrote (qpdf, poppler-utils)."""
import os
import subprocess
import tempfile


def run(*cmd):
    return subprocess.run(cmd, capture_output=True, text=True)


class Pdf:
    def __init__(self, data):
        # Removed with the object: a full run checks hundreds of PDFs.
        self._tmp = tempfile.TemporaryDirectory(prefix="cicpa-pdf-")
        self.dir = self._tmp.name
        self.path = os.path.join(self.dir, "cert.pdf")
        with open(self.path, "wb") as f:
            f.write(data)

    def qpdf_check(self):
        return run("qpdf", "--check", self.path)

    def fonts(self):
        """Rows of pdffonts as lists of columns (after the two header lines)."""
        out = run("pdffonts", self.path).stdout.splitlines()[2:]
        return [line.split() for line in out]

    def text(self):
        return run("pdftotext", "-enc", "UTF-8", self.path, "-").stdout

    def images(self):
        """Rows of pdfimages -list: (width, height, encoding)."""
        out = run("pdfimages", "-list", self.path).stdout.splitlines()[2:]
        return [(int(c[3]), int(c[4]), c[8]) for c in (line.split() for line in out)]

    def extracted_jpegs(self):
        """The JPEG streams as stored in the PDF (pdfimages -j writes them as is)."""
        prefix = os.path.join(self.dir, "img")
        run("pdfimages", "-j", self.path, prefix)
        names = sorted(n for n in os.listdir(self.dir) if n.startswith("img") and n.endswith(".jpg"))
        result = []
        for n in names:
            with open(os.path.join(self.dir, n), "rb") as f:
                result.append(f.read())
        return result
