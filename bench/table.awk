# table.awk: the rows the bench scripts collect (tab-separated: test, size,
# tool, value, ratio, note) as the table run.sh prints.
BEGIN {
	FS = "\t"
	printf "%-6s %-5s %-24s %10s %6s  %s\n", "test", "size", "tool", "pps", "ratio", "note"
}
{ printf "%-6s %-5s %-24s %10s %6s  %s\n", $1, $2, $3, $4, $5, $6 }
