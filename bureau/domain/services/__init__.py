"""The municipality's services: the register each office keeps (register), and its
import from a spreadsheet (importing). Cases, ratings and the monitoring report that
build on it come next (issue 14)."""
