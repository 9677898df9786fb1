"""TPC-H: the 22 queries in SQL (read from ../shared/tpch/queries) and written with Polars'
lazy API, after the semantics of the SQL text (polars-benchmark's queries were the
reference for the style). Column names and order follow the SQL, so answers compare by
position."""

from datetime import date
from pathlib import Path

TABLES = ["region", "nation", "supplier", "customer", "part", "partsupp", "orders", "lineitem"]
QUERIES = [f"q{i:02d}" for i in range(1, 23)]


def sql(queries_dir, name):
    return (Path(queries_dir) / f"{name}.sql").read_text()


def polars_queries():
    """name -> function(tables: dict of LazyFrame) -> LazyFrame, for every query written."""
    import polars as pl

    c = pl.col

    def rev():
        return c("l_extendedprice") * (1 - c("l_discount"))

    def between(col, lo, hi):
        return (c(col) >= lo) & (c(col) <= hi)

    def q01(t):
        return (
            t["lineitem"]
            .filter(c("l_shipdate") <= date(1998, 9, 2))
            .group_by("l_returnflag", "l_linestatus")
            .agg(
                sum_qty=c("l_quantity").sum(),
                sum_base_price=c("l_extendedprice").sum(),
                sum_disc_price=rev().sum(),
                sum_charge=(rev() * (1 + c("l_tax"))).sum(),
                avg_qty=c("l_quantity").mean(),
                avg_price=c("l_extendedprice").mean(),
                avg_disc=c("l_discount").mean(),
                count_order=pl.len(),
            )
            .sort("l_returnflag", "l_linestatus")
        )

    def q02(t):
        europe = (
            t["region"]
            .filter(c("r_name") == "EUROPE")
            .join(t["nation"], left_on="r_regionkey", right_on="n_regionkey")
            .join(t["supplier"], left_on="n_nationkey", right_on="s_nationkey")
            .join(t["partsupp"], left_on="s_suppkey", right_on="ps_suppkey")
        )
        brass = t["part"].filter((c("p_size") == 15) & c("p_type").str.ends_with("BRASS"))
        candidates = brass.join(europe, left_on="p_partkey", right_on="ps_partkey")
        cheapest = candidates.group_by("p_partkey").agg(min_cost=c("ps_supplycost").min())
        return (
            candidates.join(cheapest, on="p_partkey")
            .filter(c("ps_supplycost") == c("min_cost"))
            .select("s_acctbal", "s_name", "n_name", "p_partkey", "p_mfgr", "s_address", "s_phone", "s_comment")
            .sort(["s_acctbal", "n_name", "s_name", "p_partkey"], descending=[True, False, False, False])
            .head(100)
        )

    def q03(t):
        customer = t["customer"].filter(c("c_mktsegment") == "BUILDING")
        orders = t["orders"].filter(c("o_orderdate") < date(1995, 3, 15))
        lineitem = t["lineitem"].filter(c("l_shipdate") > date(1995, 3, 15))
        return (
            customer.join(orders, left_on="c_custkey", right_on="o_custkey")
            .join(lineitem, left_on="o_orderkey", right_on="l_orderkey")
            .group_by("o_orderkey", "o_orderdate", "o_shippriority")
            .agg(revenue=rev().sum())
            .select(c("o_orderkey").alias("l_orderkey"), "revenue", "o_orderdate", "o_shippriority")
            .sort(["revenue", "o_orderdate"], descending=[True, False])
            .head(10)
        )

    def q04(t):
        orders = t["orders"].filter(
            (c("o_orderdate") >= date(1993, 7, 1)) & (c("o_orderdate") < date(1993, 10, 1))
        )
        late = t["lineitem"].filter(c("l_commitdate") < c("l_receiptdate"))
        return (
            orders.join(late, left_on="o_orderkey", right_on="l_orderkey", how="semi")
            .group_by("o_orderpriority")
            .agg(order_count=pl.len())
            .sort("o_orderpriority")
        )

    def q05(t):
        orders = t["orders"].filter(
            (c("o_orderdate") >= date(1994, 1, 1)) & (c("o_orderdate") < date(1995, 1, 1))
        )
        return (
            t["region"]
            .filter(c("r_name") == "ASIA")
            .join(t["nation"], left_on="r_regionkey", right_on="n_regionkey")
            .join(t["customer"], left_on="n_nationkey", right_on="c_nationkey")
            .join(orders, left_on="c_custkey", right_on="o_custkey")
            .join(t["lineitem"], left_on="o_orderkey", right_on="l_orderkey")
            .join(t["supplier"], left_on=["l_suppkey", "n_nationkey"], right_on=["s_suppkey", "s_nationkey"])
            .group_by("n_name")
            .agg(revenue=rev().sum())
            .sort("revenue", descending=True)
        )

    def q06(t):
        return (
            t["lineitem"]
            .filter(
                (c("l_shipdate") >= date(1994, 1, 1))
                & (c("l_shipdate") < date(1995, 1, 1))
                & between("l_discount", 0.05, 0.07)
                & (c("l_quantity") < 24)
            )
            .select(revenue=(c("l_extendedprice") * c("l_discount")).sum())
        )

    def q07(t):
        pair = ["FRANCE", "GERMANY"]
        n1 = t["nation"].filter(c("n_name").is_in(pair)).select(
            n1_key=c("n_nationkey"), supp_nation=c("n_name")
        )
        n2 = t["nation"].filter(c("n_name").is_in(pair)).select(
            n2_key=c("n_nationkey"), cust_nation=c("n_name")
        )
        lineitem = t["lineitem"].filter(between("l_shipdate", date(1995, 1, 1), date(1996, 12, 31)))
        return (
            t["supplier"]
            .join(n1, left_on="s_nationkey", right_on="n1_key")
            .join(lineitem, left_on="s_suppkey", right_on="l_suppkey")
            .join(t["orders"], left_on="l_orderkey", right_on="o_orderkey")
            .join(t["customer"], left_on="o_custkey", right_on="c_custkey")
            .join(n2, left_on="c_nationkey", right_on="n2_key")
            .filter(c("supp_nation") != c("cust_nation"))
            .group_by("supp_nation", "cust_nation", l_year=c("l_shipdate").dt.year())
            .agg(revenue=rev().sum())
            .sort("supp_nation", "cust_nation", "l_year")
        )

    def q08(t):
        n1 = t["nation"].select(n1_key=c("n_nationkey"), n1_region=c("n_regionkey"))
        n2 = t["nation"].select(n2_key=c("n_nationkey"), nation=c("n_name"))
        orders = t["orders"].filter(between("o_orderdate", date(1995, 1, 1), date(1996, 12, 31)))
        volume = rev()
        return (
            t["part"]
            .filter(c("p_type") == "ECONOMY ANODIZED STEEL")
            .join(t["lineitem"], left_on="p_partkey", right_on="l_partkey")
            .join(t["supplier"], left_on="l_suppkey", right_on="s_suppkey")
            .join(orders, left_on="l_orderkey", right_on="o_orderkey")
            .join(t["customer"], left_on="o_custkey", right_on="c_custkey")
            .join(n1, left_on="c_nationkey", right_on="n1_key")
            .join(t["region"].filter(c("r_name") == "AMERICA"), left_on="n1_region", right_on="r_regionkey")
            .join(n2, left_on="s_nationkey", right_on="n2_key")
            .group_by(o_year=c("o_orderdate").dt.year())
            .agg(
                # As doubles: Polars divides decimals at the dividend's scale, SQL in floating point.
                mkt_share=pl.when(c("nation") == "BRAZIL").then(volume).otherwise(0).sum().cast(pl.Float64)
                / volume.sum().cast(pl.Float64)
            )
            .sort("o_year")
        )

    def q09(t):
        return (
            t["part"]
            .filter(c("p_name").str.contains("green", literal=True))
            .join(t["partsupp"], left_on="p_partkey", right_on="ps_partkey")
            .join(t["supplier"], left_on="ps_suppkey", right_on="s_suppkey")
            .join(t["lineitem"], left_on=["p_partkey", "ps_suppkey"], right_on=["l_partkey", "l_suppkey"])
            .join(t["orders"], left_on="l_orderkey", right_on="o_orderkey")
            .join(t["nation"], left_on="s_nationkey", right_on="n_nationkey")
            .group_by(nation=c("n_name"), o_year=c("o_orderdate").dt.year())
            .agg(sum_profit=(rev() - c("ps_supplycost") * c("l_quantity")).sum())
            .sort(["nation", "o_year"], descending=[False, True])
        )

    def q10(t):
        orders = t["orders"].filter(
            (c("o_orderdate") >= date(1993, 10, 1)) & (c("o_orderdate") < date(1994, 1, 1))
        )
        return (
            t["customer"]
            .join(orders, left_on="c_custkey", right_on="o_custkey")
            .join(t["lineitem"].filter(c("l_returnflag") == "R"), left_on="o_orderkey", right_on="l_orderkey")
            .join(t["nation"], left_on="c_nationkey", right_on="n_nationkey")
            .group_by("c_custkey", "c_name", "c_acctbal", "c_phone", "n_name", "c_address", "c_comment")
            .agg(revenue=rev().sum())
            .select("c_custkey", "c_name", "revenue", "c_acctbal", "n_name", "c_address", "c_phone", "c_comment")
            .sort("revenue", descending=True)
            .head(20)
        )

    def q11(t):
        german = (
            t["partsupp"]
            .join(t["supplier"], left_on="ps_suppkey", right_on="s_suppkey")
            .join(t["nation"].filter(c("n_name") == "GERMANY"), left_on="s_nationkey", right_on="n_nationkey")
            .with_columns(value=c("ps_supplycost") * c("ps_availqty"))
        )
        threshold = german.select(threshold=c("value").sum() * 0.0001)
        return (
            german.group_by("ps_partkey")
            .agg(value=c("value").sum())
            .join(threshold, how="cross")
            .filter(c("value") > c("threshold"))
            .select("ps_partkey", "value")
            .sort("value", descending=True)
        )

    def q12(t):
        lineitem = t["lineitem"].filter(
            c("l_shipmode").is_in(["MAIL", "SHIP"])
            & (c("l_commitdate") < c("l_receiptdate"))
            & (c("l_shipdate") < c("l_commitdate"))
            & (c("l_receiptdate") >= date(1994, 1, 1))
            & (c("l_receiptdate") < date(1995, 1, 1))
        )
        high = c("o_orderpriority").is_in(["1-URGENT", "2-HIGH"])
        return (
            t["orders"]
            .join(lineitem, left_on="o_orderkey", right_on="l_orderkey")
            .group_by("l_shipmode")
            .agg(high_line_count=high.sum(), low_line_count=(~high).sum())
            .sort("l_shipmode")
        )

    def q13(t):
        orders = t["orders"].filter(~c("o_comment").str.contains("special.*requests"))
        return (
            t["customer"]
            .join(orders, left_on="c_custkey", right_on="o_custkey", how="left")
            .group_by("c_custkey")
            .agg(c_count=c("o_orderkey").count())
            .group_by("c_count")
            .agg(custdist=pl.len())
            .sort(["custdist", "c_count"], descending=[True, True])
        )

    def q14(t):
        return (
            t["lineitem"]
            .filter((c("l_shipdate") >= date(1995, 9, 1)) & (c("l_shipdate") < date(1995, 10, 1)))
            .join(t["part"], left_on="l_partkey", right_on="p_partkey")
            .select(
                promo_revenue=100.00
                * pl.when(c("p_type").str.starts_with("PROMO")).then(rev()).otherwise(0).sum()
                / rev().sum()
            )
        )

    def q15(t):
        revenue = (
            t["lineitem"]
            .filter((c("l_shipdate") >= date(1996, 1, 1)) & (c("l_shipdate") < date(1996, 4, 1)))
            .group_by("l_suppkey")
            .agg(total_revenue=rev().sum())
        )
        return (
            t["supplier"]
            .join(revenue, left_on="s_suppkey", right_on="l_suppkey")
            .filter(c("total_revenue") == c("total_revenue").max())
            .select("s_suppkey", "s_name", "s_address", "s_phone", "total_revenue")
            .sort("s_suppkey")
        )

    def q16(t):
        complaints = t["supplier"].filter(c("s_comment").str.contains("Customer.*Complaints")).select("s_suppkey")
        return (
            t["part"]
            .filter(
                (c("p_brand") != "Brand#45")
                & ~c("p_type").str.starts_with("MEDIUM POLISHED")
                & c("p_size").is_in([49, 14, 23, 45, 19, 3, 36, 9])
            )
            .join(t["partsupp"], left_on="p_partkey", right_on="ps_partkey")
            .join(complaints, left_on="ps_suppkey", right_on="s_suppkey", how="anti")
            .group_by("p_brand", "p_type", "p_size")
            .agg(supplier_cnt=c("ps_suppkey").n_unique())
            .sort(["supplier_cnt", "p_brand", "p_type", "p_size"], descending=[True, False, False, False])
        )

    def q17(t):
        lines = (
            t["part"]
            .filter((c("p_brand") == "Brand#23") & (c("p_container") == "MED BOX"))
            .join(t["lineitem"], left_on="p_partkey", right_on="l_partkey")
        )
        limit = lines.group_by("p_partkey").agg(limit=0.2 * c("l_quantity").mean())
        return (
            lines.join(limit, on="p_partkey")
            .filter(c("l_quantity") < c("limit"))
            .select(avg_yearly=c("l_extendedprice").sum() / 7.0)
        )

    def q18(t):
        big = (
            t["lineitem"]
            .group_by("l_orderkey")
            .agg(qty=c("l_quantity").sum())
            .filter(c("qty") > 300)
        )
        return (
            t["orders"]
            .join(big, left_on="o_orderkey", right_on="l_orderkey", how="semi")
            .join(t["customer"], left_on="o_custkey", right_on="c_custkey")
            .join(t["lineitem"], left_on="o_orderkey", right_on="l_orderkey")
            .group_by("c_name", "o_custkey", "o_orderkey", "o_orderdate", "o_totalprice")
            .agg(sum=c("l_quantity").sum())
            .select("c_name", c("o_custkey").alias("c_custkey"), "o_orderkey", "o_orderdate", "o_totalprice", "sum")
            .sort(["o_totalprice", "o_orderdate"], descending=[True, False])
            .head(100)
        )

    def q19(t):
        def kind(brand, containers, low, size):
            return (
                (c("p_brand") == brand)
                & c("p_container").is_in(containers)
                & between("l_quantity", low, low + 10)
                & between("p_size", 1, size)
            )

        return (
            t["lineitem"]
            .filter(c("l_shipmode").is_in(["AIR", "AIR REG"]) & (c("l_shipinstruct") == "DELIVER IN PERSON"))
            .join(t["part"], left_on="l_partkey", right_on="p_partkey")
            .filter(
                kind("Brand#12", ["SM CASE", "SM BOX", "SM PACK", "SM PKG"], 1, 5)
                | kind("Brand#23", ["MED BAG", "MED BOX", "MED PKG", "MED PACK"], 10, 10)
                | kind("Brand#34", ["LG CASE", "LG BOX", "LG PACK", "LG PKG"], 20, 15)
            )
            .select(revenue=rev().sum())
        )

    def q20(t):
        shipped = (
            t["lineitem"]
            .filter((c("l_shipdate") >= date(1994, 1, 1)) & (c("l_shipdate") < date(1995, 1, 1)))
            .group_by("l_partkey", "l_suppkey")
            .agg(half=0.5 * c("l_quantity").sum())
        )
        forest = t["part"].filter(c("p_name").str.starts_with("forest"))
        stocked = (
            t["partsupp"]
            .join(forest, left_on="ps_partkey", right_on="p_partkey", how="semi")
            .join(shipped, left_on=["ps_partkey", "ps_suppkey"], right_on=["l_partkey", "l_suppkey"])
            .filter(c("ps_availqty") > c("half"))
            .select("ps_suppkey")
        )
        return (
            t["supplier"]
            .join(t["nation"].filter(c("n_name") == "CANADA"), left_on="s_nationkey", right_on="n_nationkey")
            .join(stocked, left_on="s_suppkey", right_on="ps_suppkey", how="semi")
            .select("s_name", "s_address")
            .sort("s_name")
        )

    def q21(t):
        lineitem = t["lineitem"]
        late = lineitem.filter(c("l_receiptdate") > c("l_commitdate"))
        # EXISTS another supplier on the order; NOT EXISTS another late supplier on it.
        many_suppliers = (
            lineitem.group_by("l_orderkey").agg(n=c("l_suppkey").n_unique()).filter(c("n") > 1).select("l_orderkey")
        )
        one_late_supplier = (
            late.group_by("l_orderkey").agg(n=c("l_suppkey").n_unique()).filter(c("n") == 1).select("l_orderkey")
        )
        return (
            t["supplier"]
            .join(t["nation"].filter(c("n_name") == "SAUDI ARABIA"), left_on="s_nationkey", right_on="n_nationkey")
            .join(late, left_on="s_suppkey", right_on="l_suppkey")
            .join(t["orders"].filter(c("o_orderstatus") == "F"), left_on="l_orderkey", right_on="o_orderkey")
            .join(many_suppliers, on="l_orderkey", how="semi")
            .join(one_late_supplier, on="l_orderkey", how="semi")
            .group_by("s_name")
            .agg(numwait=pl.len())
            .sort(["numwait", "s_name"], descending=[True, False])
            .head(100)
        )

    def q22(t):
        codes = ["13", "31", "23", "29", "30", "18", "17"]
        customers = t["customer"].with_columns(cntrycode=c("c_phone").str.slice(0, 2)).filter(
            c("cntrycode").is_in(codes)
        )
        average = customers.filter(c("c_acctbal") > 0.0).select(avg_bal=c("c_acctbal").mean())
        return (
            customers.join(t["orders"], left_on="c_custkey", right_on="o_custkey", how="anti")
            .join(average, how="cross")
            .filter(c("c_acctbal") > c("avg_bal"))
            .group_by("cntrycode")
            .agg(numcust=pl.len(), totacctbal=c("c_acctbal").sum())
            .sort("cntrycode")
        )

    return {name: fn for name, fn in locals().items() if name.startswith("q") and callable(fn)}
