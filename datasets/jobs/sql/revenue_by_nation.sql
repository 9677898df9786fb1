-- Revenue per nation and month; parameters such as ${since} work in SQL files too.
SELECT n_name AS nation,
       month,
       count(*) AS orders,
       round(sum(revenue), 2) AS revenue
FROM order_revenue
JOIN customer ON c_custkey = o_custkey
JOIN nation ON n_nationkey = c_nationkey
GROUP BY ALL
ORDER BY nation, month
