SELECT "Mixed""Case", `back`, 'héllo', "列", 名前 FROM ñ AS "T";
